namespace ExchangeGateway.Domain;

/// <summary>What consent allows for one recipient type.</summary>
public enum ConsentOutcome
{
    /// <summary>The person consented to sharing with this type.</summary>
    Shared,

    /// <summary>No consent and no override: nothing is sent.</summary>
    Withheld,

    /// <summary>No consent, but a recorded legal basis other than consent: sent, and flagged.</summary>
    Overridden,

    /// <summary>The person withdrew consent: nothing is sent, whatever else the record says.</summary>
    Withdrawn,
}

/// <summary>The consent decision for one recipient type, with its reason and, for an override, who authorised it and why.</summary>
public sealed record ConsentDecision(
    string RecipientType,
    ConsentOutcome Outcome,
    string Reason,
    string? LegalBasis = null,
    string? AuthorisedBy = null,
    string? Justification = null);

/// <summary>Decides, per recipient type, whether a record may leave the gateway.</summary>
public static class ConsentPolicy
{
    /// <summary>Withdrawal beats everything; then consent for the type; then a recorded override; otherwise withheld.</summary>
    public static ConsentDecision Decide(Submission submission, string recipientType)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var consent = submission.Dir.Consent;
        if (consent.WithdrawnAt is not null)
        {
            return new ConsentDecision(recipientType, ConsentOutcome.Withdrawn, $"The person withdrew consent to share at {consent.WithdrawnAt}.");
        }

        if (consent.ShareWith.Contains(recipientType))
        {
            return new ConsentDecision(recipientType, ConsentOutcome.Shared, $"The person consented to sharing with {recipientType} on {consent.RecordedAt}.");
        }

        if (consent.Override is { } basis)
        {
            return new ConsentDecision(
                recipientType,
                ConsentOutcome.Overridden,
                $"No consent for {recipientType}; shared under the legal basis {basis.LegalBasis}, authorised by a named person.",
                basis.LegalBasis,
                basis.AuthorisedBy.Name,
                basis.Justification);
        }

        return new ConsentDecision(recipientType, ConsentOutcome.Withheld, $"The person has not consented to sharing with {recipientType} and no legal basis was recorded.");
    }
}
