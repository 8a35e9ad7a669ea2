using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>What an accepted submission adds to the continuity report's facts, as work for the transaction that accepts it.</summary>
public static class ReportFacts
{
    /// <summary>
    /// The work recording a <c>release</c>'s, <c>release-notice</c>'s or <c>engagement</c> report's facts under the person's
    /// keys (an engagement report: the keys of the record it answers and its own); null for any other submission.
    /// </summary>
    public static Action<IStoreTransaction>? WorkFor(Submission submission, IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(personKeys);
        if (ReleaseFacts.Of(submission) is { } release)
        {
            return tx => tx.ReleaseFacts.Record(submission.SubmissionId, personKeys, release);
        }

        return EngagementFacts.Of(submission) is { } engagement
            ? tx => tx.ReleaseFacts.Record(submission.SubmissionId, personKeys, engagement)
            : null;
    }
}
