using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Whether a stored record may still go to an agency type when something is sent from it later (a reminder, an alert):
/// the record's own consent, overtaken by what the person's newest record says (a withdrawal not consented again since,
/// or a type no longer shared).
/// </summary>
internal static class ConsentNow
{
    /// <summary>True when the person withdrew consent after <paramref name="record"/> and has not consented again since.</summary>
    public static bool Withdrawn(Submission record, PersonMemory? memory) =>
        memory?.WithdrawnAt is { } withdrawnAt
        && !SubmissionAcceptance.ConsentedSince((record.Dir ?? throw new ArgumentException("a stored record has its DIR", nameof(record))).Consent, withdrawnAt);

    /// <summary>The decision for <paramref name="agencyType"/> now.</summary>
    public static ConsentDecision Decide(Submission record, string agencyType, PersonMemory? memory)
    {
        if (Withdrawn(record, memory))
        {
            return new ConsentDecision(agencyType, ConsentOutcome.Withdrawn, "The person withdrew consent and has not consented again since.");
        }

        return memory?.NotShared?.Contains(agencyType, StringComparer.Ordinal) == true
            ? new ConsentDecision(agencyType, ConsentOutcome.Withdrawn, $"The person's newest record no longer shares with {agencyType} recipients.")
            : ConsentPolicy.Decide(record, agencyType);
    }
}
