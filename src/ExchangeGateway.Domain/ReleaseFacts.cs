using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>
/// What one release record (a <c>release</c> or <c>release-notice</c>) says that the continuity report counts, taken at
/// acceptance because the stored packages are sealed to their recipients. Agency codes and flags only: no names or identifiers.
/// </summary>
public sealed record ReleaseFacts(
    string EventType,
    string Prison,
    string? CjitArea,
    string? GpPractice,
    DateOnly? ReleaseDate,
    bool Planned,
    bool OnOst,
    bool Bridging,
    bool OpioidUser,
    bool Naloxone,
    bool FirstAppointment)
{
    /// <summary>The facts of a <c>release</c> or <c>release-notice</c> with a DIR; null for any other submission.</summary>
    public static ReleaseFacts? Of(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Event.Type is not (EventTypes.Release or EventTypes.ReleaseNotice) || submission.Dir is not { } dir)
        {
            return null;
        }

        var plan = dir.ReleasePlan;
        return new ReleaseFacts(
            submission.Event.Type,
            submission.Event.From,
            plan?.CjitArea,
            dir.Client.GpPractice,
            SafetyFlags.ReleaseDate(submission),
            submission.Event.Type == EventTypes.ReleaseNotice || submission.Event.PlannedRelease != false,
            SubmissionRules.IsOnOst(submission.Prescribing),
            submission.Prescribing?.BridgingPrescription is not null,
            SafetyFlags.UsesOpioids(submission),
            submission.Prescribing?.Naloxone?.Issued == true,
            plan?.FirstAppointment is not null);
    }
}

/// <summary>What an <c>engagement</c> report says that the continuity report counts: its outcome and the date it reports on.</summary>
public sealed record EngagementFacts(string Outcome, DateOnly Date)
{
    /// <summary>True for the outcomes that count as engaged with treatment: attended or engaged.</summary>
    public bool Engaged => Outcome is EngagementOutcomes.Attended or EngagementOutcomes.Engaged;

    /// <summary>The facts of an <c>engagement</c> report; null for any other submission.</summary>
    public static EngagementFacts? Of(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission.Event.Type == EventTypes.Engagement && submission.Engagement is { } report
            ? new EngagementFacts(report.Outcome, DateOnly.ParseExact(report.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture))
            : null;
    }
}
