using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>The release schedule: scheduling, moving, cancelling, what is due, completing once, on every adapter.</summary>
public abstract class ScheduleConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly DateOnly ReleaseDay = new(2026, 12, 10);

    protected ScheduleConformance() => Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_notice_creates_a_pending_entry_per_milestone_with_its_recipients_and_person_keys()
    {
        var change = Notify(Notice("n1", ReleaseDay));

        Assert.Empty(change.MovedEntryIds);
        Assert.Equal(3, change.Created.Count);
        var entries = List();
        Assert.Equal([ReleaseMilestoneKinds.TwoDaysBefore, ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], entries.Select(e => e.Kind));
        Assert.Equal(change.Created.Select(e => e.EntryId), entries.Select(e => e.EntryId));
        Assert.All(entries, e =>
        {
            Assert.Equal(ScheduleStatus.Pending, e.Status);
            Assert.Equal(ReleaseDay, e.ReleaseDate);
            Assert.Equal("n1", e.SubmissionId);
            Assert.Equal(["CJIT-LEEDS", "CTP-FWDLEEDS", "B86030"], e.Recipients);
            Assert.Equal(["nhs:abc", "prison:xyz"], e.PersonKeys);
            Assert.Equal(Clock.GetUtcNow(), e.UpdatedAt);
            Assert.Null(e.Detail);
        });
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), entries[0].DueAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero), entries[2].DueAt);
    }

    [Fact]
    public void Nothing_is_due_before_its_time_and_an_entry_is_due_from_its_time_with_the_notice_json()
    {
        Notify(Notice("n1", ReleaseDay));
        Assert.Empty(Due());

        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));
        var due = Assert.Single(Due());
        Assert.Equal(ReleaseMilestoneKinds.TwoDaysBefore, due.Entry.Kind);
        Assert.Equal("{\"submissionId\":\"n1\"}", due.SubmissionJson);
    }

    [Fact]
    public void Due_entries_come_earliest_first_up_to_the_maximum()
    {
        Notify(Notice("n1", ReleaseDay, "nhs:abc"));
        Notify(Notice("n2", ReleaseDay.AddDays(-1), "nhs:def"));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero));

        var due = Read(t => t.Schedule.Due(Clock.GetUtcNow(), max: 3));

        Assert.Equal(["n2", "n1", "n2"], due.Select(d => d.Entry.SubmissionId));
        Assert.Equal(due.Select(d => d.Entry.DueAt).Order(), due.Select(d => d.Entry.DueAt));
    }

    [Fact]
    public void A_completed_entry_is_no_longer_due_and_cannot_be_completed_twice()
    {
        Notify(Notice("n1", ReleaseDay));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero));
        var due = Due();
        Assert.Equal(3, due.Count);

        Assert.True(Complete(due[0].Entry.EntryId));
        Assert.False(Complete(due[0].Entry.EntryId));
        Assert.False(Complete(due[0].Entry.EntryId, ScheduleStatus.Overdue));
        Assert.True(Complete(due[2].Entry.EntryId, ScheduleStatus.Overdue));

        Assert.Equal(due[1].Entry.EntryId, Assert.Single(Due()).Entry.EntryId);
        Assert.Equal(ScheduleStatus.Done, List().Single(e => e.EntryId == due[0].Entry.EntryId).Status);
    }

    [Fact]
    public void An_entry_is_completed_only_as_done_or_overdue()
    {
        Notify(Notice("n1", ReleaseDay));
        var id = List()[0].EntryId;

        Assert.Throws<ArgumentException>(() => Complete(id, ScheduleStatus.Cancelled));
        Assert.Throws<ArgumentException>(() => Complete(id, ScheduleStatus.Moved));
        Assert.Equal(ScheduleStatus.Pending, List()[0].Status);
    }

    [Fact]
    public void A_newer_notice_for_the_same_person_moves_the_pending_entries_and_creates_its_own()
    {
        var first = Notify(Notice("n1", ReleaseDay));
        var second = Notify(Notice("n2", ReleaseDay.AddDays(7)));

        Assert.Equal(first.Created.Select(e => e.EntryId).Order(), second.MovedEntryIds.Order());
        Assert.All(ByKind("n1").Values, e => Assert.Equal((ScheduleStatus.Moved, "moved by the newer record n2"), (e.Status, e.Detail)));
        Assert.All(ByKind("n2").Values, e => Assert.Equal(ScheduleStatus.Pending, e.Status));
        Assert.Equal(ReleaseDay.AddDays(7), ByKind("n2")[ReleaseMilestoneKinds.DayOf].ReleaseDate);
    }

    [Fact]
    public void A_newer_notice_matches_the_person_on_any_of_their_keys()
    {
        Notify(Notice("n1", ReleaseDay, "nhs:abc", "prison:xyz"));
        var second = Notify(Notice("n2", ReleaseDay, "prison:xyz"));

        Assert.Equal(3, second.MovedEntryIds.Count);
        Assert.All(ByKind("n1").Values, e => Assert.Equal(ScheduleStatus.Moved, e.Status));
    }

    [Fact]
    public void A_notice_for_another_person_moves_nothing()
    {
        Notify(Notice("n1", ReleaseDay, "nhs:abc"));
        var other = Notify(Notice("n2", ReleaseDay, "nhs:def"));

        Assert.Empty(other.MovedEntryIds);
        Assert.Equal(6, List().Count(e => e.Status == ScheduleStatus.Pending));
    }

    [Fact]
    public void A_newer_notice_leaves_entries_that_already_fired_as_they_were()
    {
        Notify(Notice("n1", ReleaseDay));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero));
        Complete(Assert.Single(Due()).Entry.EntryId);

        var second = Notify(Notice("n2", ReleaseDay));

        Assert.Equal(2, second.MovedEntryIds.Count);
        Assert.Equal(ScheduleStatus.Done, ByKind("n1")[ReleaseMilestoneKinds.TwoDaysBefore].Status);
        Assert.Equal([ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], ByKind("n2").Keys);
    }

    [Fact]
    public void A_release_cancels_the_pending_reminders_and_overdue_check_and_nothing_else()
    {
        Notify(Notice("n1", ReleaseDay));
        Notify(Notice("n9", ReleaseDay, "nhs:someone-else"));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero));
        Complete(Due().Single(d => d.Entry.SubmissionId == "n1").Entry.EntryId);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 10, 8, 30, 0, TimeSpan.Zero));

        var cancelled = Release("r1", "prison:xyz");

        Assert.Equal(2, cancelled.Count);
        var entries = ByKind("n1");
        Assert.Equal(ScheduleStatus.Done, entries[ReleaseMilestoneKinds.TwoDaysBefore].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.DayOf].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.OverdueCheck].Status);
        Assert.Equal("cancelled by the release r1", entries[ReleaseMilestoneKinds.OverdueCheck].Detail);
        Assert.All(ByKind("n9").Values, e => Assert.Equal(ScheduleStatus.Pending, e.Status));
        Assert.Empty(Release("r2", "prison:xyz"));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 10, 13, 0, 0, TimeSpan.Zero));
        Assert.All(Due(), d => Assert.Equal("n9", d.Entry.SubmissionId));
    }

    [Fact]
    public void A_cancelled_entry_cannot_be_completed_afterwards()
    {
        Notify(Notice("n1", ReleaseDay));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero));
        var due = Due();

        Release("r1", "nhs:abc");

        Assert.All(due, d => Assert.False(Complete(d.Entry.EntryId)));
    }

    [Fact]
    public void The_overdue_list_holds_only_overdue_entries()
    {
        Notify(Notice("n1", ReleaseDay));
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero));
        var check = Due().Single(d => d.Entry.Kind == ReleaseMilestoneKinds.OverdueCheck);
        Complete(check.Entry.EntryId, ScheduleStatus.Overdue);

        var overdue = Assert.Single(List(overdueOnly: true));
        Assert.Equal((check.Entry.EntryId, "test", Clock.GetUtcNow()), (overdue.EntryId, overdue.Detail, overdue.UpdatedAt));
        Assert.Equal(3, List().Count);
    }

    [Fact]
    public void The_first_notification_of_a_release_is_remembered_under_every_key_through_later_notices()
    {
        var first = Clock.GetUtcNow();
        Notify(Notice("n1", ReleaseDay, "nhs:abc"));
        Clock.Advance(TimeSpan.FromDays(1));
        Notify(Notice("n2", ReleaseDay, "nhs:abc", "prison:xyz"));
        Notify(Notice("n3", ReleaseDay.AddDays(1), "prison:xyz"));

        Assert.Equal(first, Read(t => t.Schedule.FirstNotified(["prison:xyz", "nhs:abc"], ReleaseDay)));
        Assert.Equal(first.AddDays(1), Read(t => t.Schedule.FirstNotified(["prison:xyz"], ReleaseDay)));
        Assert.Equal(first.AddDays(1), Read(t => t.Schedule.FirstNotified(["prison:xyz"], ReleaseDay.AddDays(1))));
        Assert.Null(Read(t => t.Schedule.FirstNotified(["nhs:abc"], ReleaseDay.AddDays(1))));
        Assert.Null(Read(t => t.Schedule.FirstNotified(["nhs:def"], ReleaseDay)));
    }

    [Fact]
    public void Entries_survive_closing_and_reopening_the_database()
    {
        Notify(Notice("n1", ReleaseDay));
        Store.Dispose();

        using var reopened = Target.Open(Clock);
        Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(ReleaseMilestoneKinds.TwoDaysBefore, Assert.Single(reopened.Snapshot(t => t.Schedule.Due(Clock.GetUtcNow()))).Entry.Kind);
    }

    [Fact]
    public void A_failure_inside_the_unit_of_work_leaves_the_entry_pending()
    {
        Notify(Notice("n1", ReleaseDay));
        var id = List()[0].EntryId;

        Assert.Throws<InvalidOperationException>(() => Store.InTransaction<bool>(t =>
        {
            t.Schedule.Complete(id, ScheduleStatus.Done, "test", Clock.GetUtcNow());
            throw new InvalidOperationException("sealing failed");
        }));

        Assert.Equal(ScheduleStatus.Pending, List()[0].Status);
    }

    private ScheduledNotice Notice(string submissionId, DateOnly releaseDate, params string[] keys) =>
        new(submissionId, keys.Length == 0 ? ["nhs:abc", "prison:xyz"] : keys, releaseDate, ["CJIT-LEEDS", "CTP-FWDLEEDS", "B86030"],
            $"{{\"submissionId\":\"{submissionId}\"}}", ReleaseTimeline.From(releaseDate, Clock.GetUtcNow(), London));

    // Stores the notice as the gateway does: the submission and its schedule in one unit of work.
    private ScheduleChange Notify(ScheduledNotice notice) => Store.InTransaction(t =>
    {
        t.Submissions.Accept(new AcceptedSubmission(notice.SubmissionId, "HLI", EventTypes.ReleaseNotice, "h-" + notice.SubmissionId, notice.PersonKeys, [], [], "{}",
            new KnownAgencies("B86030", "CJIT-LEEDS"), null));
        return t.Schedule.Schedule(notice, Clock.GetUtcNow());
    });

    private IReadOnlyList<string> Release(string submissionId, params string[] keys) => Store.InTransaction(t =>
    {
        t.Submissions.Accept(new AcceptedSubmission(submissionId, "HLI", EventTypes.Release, "h-" + submissionId, keys, [], [], "{}", new KnownAgencies(null, null), null));
        return t.Schedule.CancelPending(keys, submissionId, Clock.GetUtcNow());
    });

    private bool Complete(string entryId, string status = ScheduleStatus.Done) =>
        Store.InTransaction(t => t.Schedule.Complete(entryId, status, "test", Clock.GetUtcNow()));

    private IReadOnlyList<DueEntry> Due() => Read(t => t.Schedule.Due(Clock.GetUtcNow()));

    private IReadOnlyList<ScheduleEntry> List(bool overdueOnly = false) => Read(t => t.Schedule.List(overdueOnly));

    private Dictionary<string, ScheduleEntry> ByKind(string submissionId) => List().Where(e => e.SubmissionId == submissionId).ToDictionary(e => e.Kind);
}

public sealed class SqliteScheduleTests : ScheduleConformance<SqliteTarget>;

public sealed class PostgreSqlScheduleTests : ScheduleConformance<PostgreSqlTarget>;
