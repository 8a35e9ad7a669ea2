namespace ExchangeGateway.Domain;

/// <summary>The kinds of escalation raised when the loop does not close; the strings are what the database and <c>exg schedule list</c> show.</summary>
public static class EscalationKinds
{
    /// <summary>A transfer the receiving prison has not accepted by the planned move.</summary>
    public const string TransferAcceptanceDue = "transfer-acceptance-due";

    /// <summary>A reception no community service has replied to with the community prescribing record.</summary>
    public const string ReceptionReplyDue = "reception-reply-due";

    /// <summary>A release record the GP or the CJIT has not accepted by noon on the working day before the release.</summary>
    public const string ReleaseAcceptanceDue = "release-acceptance-due";

    /// <summary>No engagement report by day 21 after release.</summary>
    public const string EngagementDue = "engagement-due";

    /// <summary>Every escalation kind.</summary>
    public static IReadOnlyList<string> All { get; } = [TransferAcceptanceDue, ReceptionReplyDue, ReleaseAcceptanceDue, EngagementDue];

    /// <summary>True for an escalation kind.</summary>
    public static bool IsEscalation(string kind) => All.Contains(kind, StringComparer.Ordinal);
}

/// <summary>
/// When each escalation falls due. The times are on the calendar, weekends included: an alert about a person whose
/// dose is unknown cannot wait for Monday. Only the release deadline is a working day, because it asks the services to
/// act before the person is at their door.
/// </summary>
public static class EscalationTimeline
{
    /// <summary>How long after acceptance a transfer with no planned move time must be accepted.</summary>
    public static readonly TimeSpan TransferDefault = TimeSpan.FromHours(4);

    /// <summary>How long after a late release record was delivered it must be accepted.</summary>
    public static readonly TimeSpan LateReleaseRecord = TimeSpan.FromHours(4);

    /// <summary>The reception reply window when none is configured.</summary>
    public const int DefaultReceptionReplyHours = 2;

    /// <summary>Days after release by which an engagement report is due.</summary>
    public const int EngagementDays = 21;

    /// <summary>The local time on the working day before release by which the GP and CJIT must have accepted.</summary>
    public static readonly TimeOnly ReleaseAcceptanceTime = new(12, 0);

    /// <summary>When a transfer accepted at <paramref name="acceptedAt"/> must have been accepted by the receiving prison.</summary>
    public static DateTimeOffset TransferDue(DateTimeOffset acceptedAt, DateTimeOffset? plannedMoveAt) => plannedMoveAt ?? acceptedAt + TransferDefault;

    /// <summary>When a reception accepted at <paramref name="acceptedAt"/> must have had a reply.</summary>
    public static DateTimeOffset ReceptionDue(DateTimeOffset acceptedAt, int replyHours) => acceptedAt + TimeSpan.FromHours(replyHours);

    /// <summary>
    /// When a release record delivered at <paramref name="deliveredAt"/> must have been accepted: 12:00 local on the working day
    /// before <paramref name="releaseDate"/>, or 4 hours after delivery for a record that arrives after that.
    /// </summary>
    public static DateTimeOffset ReleaseAcceptanceDue(DateOnly releaseDate, DateTimeOffset deliveredAt, TimeZoneInfo zone)
    {
        var deadline = ReleaseTimeline.Instant(WorkingDays.Before(releaseDate), ReleaseAcceptanceTime, zone);
        return deliveredAt < deadline ? deadline : deliveredAt + LateReleaseRecord;
    }

    /// <summary>
    /// When the alert for a missing engagement report on a release on <paramref name="releaseDate"/> falls due: the report
    /// is due by the end of day 21, so the alert goes at the reminder time on day 22, local, when people are at work.
    /// </summary>
    public static DateTimeOffset EngagementDue(DateOnly releaseDate, TimeZoneInfo zone, TimeOnly? at = null) =>
        ReleaseTimeline.Instant(releaseDate.AddDays(EngagementDays + 1), at ?? ReleaseTimeline.DefaultReminderTime, zone);
}
