using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage;

/// <summary>The states of a schedule entry; the strings are what the database and <c>exg schedule list</c> show.</summary>
public static class ScheduleStatus
{
    /// <summary>Waiting for its due time.</summary>
    public const string Pending = "pending";

    /// <summary>A reminder that fired: its messages were queued (or consent withheld them).</summary>
    public const string Done = "done";

    /// <summary>Stopped because the prison sent the <c>release</c>.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Replaced by the entries of a newer notice for the same person.</summary>
    public const string Moved = "moved";

    /// <summary>An overdue check that found no <c>release</c> by noon on the planned day.</summary>
    public const string Overdue = "overdue";
}

/// <summary>
/// A notice (or planned release, or a record naming an expected release date) to schedule: who it is about, when, who
/// hears, and the submission to re-seal from. Scheduling settles the person's pending entries first: those of
/// <see cref="Cancels"/> as cancelled, then those of <see cref="Moves"/> (every kind when null) as moved.
/// </summary>
public sealed record ScheduledNotice(
    string SubmissionId,
    IReadOnlyList<string> PersonKeys,
    DateOnly ReleaseDate,
    IReadOnlyList<string> Recipients,
    string SubmissionJson,
    IReadOnlyList<ReleaseMilestone> Milestones,
    IReadOnlyCollection<string>? Moves = null,
    IReadOnlyCollection<string>? Cancels = null);

/// <summary>One entry of the release schedule.</summary>
public sealed record ScheduleEntry(
    string EntryId,
    string Kind,
    DateTimeOffset DueAt,
    DateOnly ReleaseDate,
    string SubmissionId,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> PersonKeys,
    string Status,
    DateTimeOffset UpdatedAt,
    string? Detail);

/// <summary>A due entry with the canonical JSON of the notice it was scheduled from.</summary>
public sealed record DueEntry(ScheduleEntry Entry, string SubmissionJson);

/// <summary>What scheduling a notice changed: the pending entries it moved and the entries it created.</summary>
public sealed record ScheduleChange(IReadOnlyList<string> MovedEntryIds, IReadOnlyList<ScheduleEntry> Created);

/// <summary>
/// The release schedule: reminders and overdue checks for planned releases, beside the outbox so an entry and the
/// messages it queues commit together. An entry is never deleted, only moved between states; every change happens once
/// across instances (a second instance finding it settled writes nothing).
/// </summary>
public interface IReleaseScheduleStore
{
    /// <summary>
    /// Schedules a notice's milestones: the person's pending entries (matched on any of their keys) are marked moved, then
    /// one pending entry is created per milestone, so the newest notice alone decides what is still to come.
    /// </summary>
    ScheduleChange Schedule(ScheduledNotice notice, DateTimeOffset now);

    /// <summary>Cancels the person's pending reminders and overdue check because the release happened; returns their ids.</summary>
    IReadOnlyList<string> CancelPending(IReadOnlyList<string> personKeys, string releaseSubmissionId, DateTimeOffset now);

    /// <summary>Pending entries due at or before <paramref name="now"/>, earliest first, each with its notice.</summary>
    IReadOnlyList<DueEntry> Due(DateTimeOffset now, int max = 100);

    /// <summary>
    /// Settles a pending entry as <see cref="ScheduleStatus.Done"/> or <see cref="ScheduleStatus.Overdue"/> with what was
    /// done. False when it is no longer pending (a release, a newer notice or another instance got there first).
    /// </summary>
    bool Complete(string entryId, string status, string detail, DateTimeOffset now);

    /// <summary>When the gateway first scheduled a release notice's entries on the date for the person (any key, any state since), or null.</summary>
    DateTimeOffset? FirstNotified(IReadOnlyList<string> personKeys, DateOnly releaseDate);

    /// <summary>The person's entries (any key) for a release on the date that are still pending or were done, by due time.</summary>
    IReadOnlyList<ScheduleEntry> Standing(IReadOnlyList<string> personKeys, DateOnly releaseDate);

    /// <summary>Every entry (or only the overdue ones), by due time.</summary>
    IReadOnlyList<ScheduleEntry> List(bool overdueOnly);
}
