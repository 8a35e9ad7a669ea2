namespace ExchangeGateway.Domain;

/// <summary>What consent allows for one recipient type.</summary>
public enum ConsentOutcome
{
    /// <summary>The person consented to share with this recipient type.</summary>
    Shared,

    /// <summary>No consent and no other legal basis: nothing is sent.</summary>
    Withheld,

    /// <summary>No consent, but a recorded legal basis other than consent allows sharing; flagged in the audit trail.</summary>
    Overridden,

    /// <summary>The person withdrew consent: nothing is sent, whatever the override.</summary>
    Withdrawn,
}

/// <summary>A consent decision for one recipient type, with a plain reason (no personal data) and, when overridden, who authorised it and why.</summary>
public sealed record ConsentDecision(
    string RecipientType,
    ConsentOutcome Outcome,
    string Reason,
    string? LegalBasis = null,
    string? AuthorisedBy = null,
    string? Justification = null)
{
    /// <summary>True when the record may be sent to this recipient type.</summary>
    public bool MayShare => Outcome is ConsentOutcome.Shared or ConsentOutcome.Overridden;
}

/// <summary>Decides, from the DIR's consent, whether a submission may go to a recipient type (the spec's "Consent" rules).</summary>
public static class ConsentPolicy
{
    private static readonly HashSet<string> RecipientTypes = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp];

    /// <summary>
    /// The recipient types this record no longer lets anything go to: every type when consent is withdrawn, otherwise each
    /// type neither consented to nor covered by a recorded override. Dropping a type from <c>shareWith</c> withdraws
    /// consent for that type, so messages already queued for it must stop too.
    /// </summary>
    public static IReadOnlyList<string> TypesNotShared(Submission s) =>
        [.. RecipientTypes.Order(StringComparer.Ordinal).Where(type => !Decide(s, type).MayShare)];

    /// <summary>Withdrawn beats everything; then consent; then an override; otherwise withheld.</summary>
    public static ConsentDecision Decide(Submission s, string recipientType)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!RecipientTypes.Contains(recipientType))
        {
            throw new ArgumentOutOfRangeException(nameof(recipientType), recipientType, "not a recipient type of the contract");
        }

        // A reply carries no DIR: its legal basis is direct care, decided where replies are routed, not by the DIR's consent.
        var consent = s.Dir?.Consent ?? throw new ArgumentException("a reply carries no DIR consent to decide on", nameof(s));
        if (consent.WithdrawnAt is not null)
        {
            // Withdrawal stops every message, so an override recorded before it does not revive sharing.
            return new(recipientType, ConsentOutcome.Withdrawn, $"The person has withdrawn consent, so nothing is shared with any {recipientType} recipient, even under an override.");
        }

        if (consent.ShareWith.Contains(recipientType, StringComparer.Ordinal))
        {
            return new(recipientType, ConsentOutcome.Shared, $"The person consented to share with {recipientType} recipients.");
        }

        if (consent.Override is { } over)
        {
            return new(
                recipientType,
                ConsentOutcome.Overridden,
                $"The person has not consented to share with {recipientType} recipients; shared under the legal basis {over.LegalBasis}, authorised and justified as recorded.",
                over.LegalBasis,
                over.AuthorisedBy.Name,
                over.Justification);
        }

        return new(recipientType, ConsentOutcome.Withheld, $"The person has not consented to share with {recipientType} recipients and no other legal basis is recorded.");
    }
}
