using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage.Tests;

public sealed class ReleaseScheduleTests : IDisposable
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly DateOnly ReleaseDay = new(2026, 12, 10);

    private readonly string folder = Directory.CreateTempSubdirectory("exg-schedule-test-").FullName;
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
    private Outbox outbox;
    private ReleaseSchedule schedule;

    public ReleaseScheduleTests()
    {
        outbox = Outbox.Open(GatewayDatabase.PathIn(folder), clock);
        schedule = ReleaseSchedule.On(outbox);
    }

    public void Dispose()
    {
        outbox.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static ScheduledNotice Notice(string submissionId, DateOnly releaseDate, DateTimeOffset now, params string[] keys) =>
        new(submissionId, keys.Length == 0 ? ["nhs:abc", "prison:xyz"] : keys, releaseDate, ["CJIT-LEEDS", "CTP-FWDLEEDS", "B86030"],
            $"{{\"submissionId\":\"{submissionId}\"}}", ReleaseTimeline.From(releaseDate, now, London));

    // Stores the notice as the gateway does: the submission and its schedule in one outbox transaction.
    private ScheduleChange Accept(ScheduledNotice notice, string eventType = EventTypes.ReleaseNotice)
    {
        ScheduleChange? change = null;
        outbox.Accept(
            new AcceptedSubmission(notice.SubmissionId, "HLI", eventType, "h-" + notice.SubmissionId, notice.PersonKeys, [], [], "{}", new KnownAgencies("B86030", "CJIT-LEEDS"), null),
            (c, t) => change = schedule.Schedule(c, t, notice, clock.GetUtcNow()));
        return change!;
    }

    private IReadOnlyList<string> Release(string submissionId, params string[] keys)
    {
        IReadOnlyList<string> cancelled = [];
        outbox.Accept(
            new AcceptedSubmission(submissionId, "HLI", EventTypes.Release, "h-" + submissionId, keys, [], [], "{}", new KnownAgencies(null, null), null),
            (c, t) => cancelled = schedule.CancelPending(c, t, keys, submissionId, clock.GetUtcNow()));
        return cancelled;
    }

    private bool Complete(string entryId, string status = ScheduleStatus.Done) =>
        outbox.InTransaction((c, t) => schedule.Complete(c, t, entryId, status, "test", clock.GetUtcNow()));

    private Dictionary<string, ScheduleEntry> ByKind(string submissionId) =>
        schedule.List().Where(e => e.SubmissionId == submissionId).ToDictionary(e => e.Kind);

    [Fact]
    public void A_notice_creates_a_pending_entry_per_milestone_with_its_recipients_and_person_keys()
    {
        var change = Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));

        Assert.Empty(change.MovedEntryIds);
        Assert.Equal(3, change.Created.Count);
        var entries = schedule.List();
        Assert.Equal([ReleaseMilestoneKinds.TwoDaysBefore, ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], entries.Select(e => e.Kind));
        Assert.All(entries, e =>
        {
            Assert.Equal(ScheduleStatus.Pending, e.Status);
            Assert.Equal(ReleaseDay, e.ReleaseDate);
            Assert.Equal(["CJIT-LEEDS", "CTP-FWDLEEDS", "B86030"], e.Recipients);
            Assert.Equal(["nhs:abc", "prison:xyz"], e.PersonKeys);
        });
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), entries[0].DueAt);
    }

    [Fact]
    public void Nothing_is_due_before_its_time_and_an_entry_is_due_from_its_time_with_the_notice_json()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        Assert.Empty(schedule.Due(clock.GetUtcNow()));

        clock.Now = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
        var due = Assert.Single(schedule.Due(clock.GetUtcNow()));
        Assert.Equal(ReleaseMilestoneKinds.TwoDaysBefore, due.Entry.Kind);
        Assert.Equal("{\"submissionId\":\"n1\"}", due.SubmissionJson);
    }

    [Fact]
    public void A_completed_entry_is_no_longer_due_and_cannot_be_completed_twice()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        clock.Now = new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
        var due = schedule.Due(clock.GetUtcNow());
        Assert.Equal(3, due.Count);

        Assert.True(Complete(due[0].Entry.EntryId));
        Assert.False(Complete(due[0].Entry.EntryId));
        Assert.True(Complete(due[2].Entry.EntryId, ScheduleStatus.Overdue));
        Assert.Single(schedule.Due(clock.GetUtcNow()));
    }

    [Fact]
    public void An_entry_is_completed_only_as_done_or_overdue()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        var id = schedule.List()[0].EntryId;
        Assert.Throws<ArgumentException>(() => Complete(id, ScheduleStatus.Cancelled));
    }

    [Fact]
    public void A_newer_notice_for_the_same_person_moves_the_pending_entries_and_creates_its_own()
    {
        var first = Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        var second = Accept(Notice("n2", ReleaseDay.AddDays(7), clock.GetUtcNow()));

        Assert.Equal(first.Created.Select(e => e.EntryId).Order(), second.MovedEntryIds.Order());
        Assert.All(ByKind("n1").Values, e => Assert.Equal(ScheduleStatus.Moved, e.Status));
        Assert.All(ByKind("n1").Values, e => Assert.Equal("moved by the newer notice n2", e.Detail));
        Assert.All(ByKind("n2").Values, e => Assert.Equal(ScheduleStatus.Pending, e.Status));
        Assert.Equal(ReleaseDay.AddDays(7), ByKind("n2")[ReleaseMilestoneKinds.DayOf].ReleaseDate);
    }

    [Fact]
    public void A_newer_notice_matches_the_person_on_any_of_their_keys()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow(), "nhs:abc", "prison:xyz"));
        var second = Accept(Notice("n2", ReleaseDay, clock.GetUtcNow(), "prison:xyz"));

        Assert.Equal(3, second.MovedEntryIds.Count);
        Assert.All(ByKind("n1").Values, e => Assert.Equal(ScheduleStatus.Moved, e.Status));
    }

    [Fact]
    public void A_notice_for_another_person_moves_nothing()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow(), "nhs:abc"));
        var other = Accept(Notice("n2", ReleaseDay, clock.GetUtcNow(), "nhs:def"));

        Assert.Empty(other.MovedEntryIds);
        Assert.Equal(6, schedule.List().Count(e => e.Status == ScheduleStatus.Pending));
    }

    [Fact]
    public void A_newer_notice_leaves_entries_that_already_fired_as_they_were()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        clock.Now = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
        Complete(Assert.Single(schedule.Due(clock.GetUtcNow())).Entry.EntryId);

        var second = Accept(Notice("n2", ReleaseDay, clock.GetUtcNow()));

        Assert.Equal(2, second.MovedEntryIds.Count);
        Assert.Equal(ScheduleStatus.Done, ByKind("n1")[ReleaseMilestoneKinds.TwoDaysBefore].Status);
        Assert.Equal([ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], ByKind("n2").Keys);
    }

    [Fact]
    public void A_release_cancels_the_pending_reminders_and_overdue_check_and_nothing_else()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        clock.Now = new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero);
        Complete(Assert.Single(schedule.Due(clock.GetUtcNow())).Entry.EntryId);
        clock.Now = new DateTimeOffset(2026, 12, 10, 8, 30, 0, TimeSpan.Zero);

        var cancelled = Release("r1", "prison:xyz");

        Assert.Equal(2, cancelled.Count);
        var entries = ByKind("n1");
        Assert.Equal(ScheduleStatus.Done, entries[ReleaseMilestoneKinds.TwoDaysBefore].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.DayOf].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.OverdueCheck].Status);
        Assert.Equal("cancelled by the release r1", entries[ReleaseMilestoneKinds.OverdueCheck].Detail);
        clock.Now = new DateTimeOffset(2026, 12, 10, 13, 0, 0, TimeSpan.Zero);
        Assert.Empty(schedule.Due(clock.GetUtcNow()));
    }

    [Fact]
    public void A_cancelled_entry_cannot_be_completed_afterwards()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        clock.Now = new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
        var due = schedule.Due(clock.GetUtcNow());

        Release("r1", "nhs:abc");

        Assert.All(due.Skip(1), d => Assert.False(Complete(d.Entry.EntryId)));
    }

    [Fact]
    public void The_overdue_list_holds_only_overdue_entries()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        clock.Now = new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
        var check = schedule.Due(clock.GetUtcNow()).Single(d => d.Entry.Kind == ReleaseMilestoneKinds.OverdueCheck);
        Complete(check.Entry.EntryId, ScheduleStatus.Overdue);

        var overdue = Assert.Single(schedule.List(overdueOnly: true));
        Assert.Equal(check.Entry.EntryId, overdue.EntryId);
        Assert.Equal("test", overdue.Detail);
        Assert.Equal(3, schedule.List().Count);
    }

    [Fact]
    public void Entries_survive_closing_and_reopening_the_database()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        outbox.Dispose();
        SqliteConnection.ClearAllPools();

        outbox = Outbox.Open(GatewayDatabase.PathIn(folder), clock);
        schedule = ReleaseSchedule.On(outbox);
        clock.Now = new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(ReleaseMilestoneKinds.TwoDaysBefore, Assert.Single(schedule.Due(clock.GetUtcNow())).Entry.Kind);
    }

    [Fact]
    public void A_failure_inside_the_transaction_leaves_the_entry_pending()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        var id = schedule.List()[0].EntryId;

        Assert.Throws<InvalidOperationException>(() => outbox.InTransaction<bool>((c, t) =>
        {
            schedule.Complete(c, t, id, ScheduleStatus.Done, "test", clock.GetUtcNow());
            throw new InvalidOperationException("sealing failed");
        }));

        Assert.Equal(ScheduleStatus.Pending, schedule.List()[0].Status);
    }

    [Fact]
    public void Messages_queued_under_a_stored_submission_are_delivered_like_any_other()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        outbox.InTransaction((c, t) =>
        {
            outbox.Enqueue(t, "n1", EventTypes.ReleaseNotice, ["nhs:abc", "prison:xyz"],
            [
                new OutgoingMessage("m1", "CJIT-LEEDS", AgencyTypes.Cjit, DeliveryChannel.Push, "http://127.0.0.1:1/agencies/CJIT-LEEDS", [1, 2, 3]),
                new OutgoingMessage("m2", "B86030", AgencyTypes.Gp, DeliveryChannel.Mailbox, null, [4, 5, 6]),
            ]);
            return 0;
        });

        Assert.Equal(new OutboxTotals(2, 2, 0, 0, 0, 0, 0), outbox.Totals());
        Assert.Equal("m1", Assert.Single(outbox.DuePush(10, [], [])).MessageId);
        var mail = Assert.Single(outbox.Mailbox("B86030"));
        Assert.Equal(("m2", "n1", EventTypes.ReleaseNotice), (mail.MessageId, mail.SubmissionId, mail.EventType));
        Assert.True(outbox.MarkDelivered("m1"));
    }

    [Fact]
    public void A_withdrawal_cancels_queued_reminder_messages_for_the_person()
    {
        Accept(Notice("n1", ReleaseDay, clock.GetUtcNow()));
        outbox.InTransaction((c, t) =>
        {
            outbox.Enqueue(t, "n1", EventTypes.ReleaseNotice, ["nhs:abc"], [new OutgoingMessage("m1", "B86030", AgencyTypes.Gp, DeliveryChannel.Mailbox, null, [4])]);
            return 0;
        });

        var result = outbox.Accept(new AcceptedSubmission("w1", "HLI", EventTypes.Reception, "hw", ["nhs:abc"], [], [], "{}", new KnownAgencies(null, null), "2026-12-02T10:00:00+00:00"));

        Assert.Equal(["m1"], result.CancelledMessageIds);
    }

    [Fact]
    public void Messages_cannot_be_queued_in_another_database_s_transaction()
    {
        using var other = new SqliteConnection("Data Source=:memory:");
        other.Open();
        using var transaction = other.BeginTransaction();

        Assert.Throws<ArgumentException>(() => outbox.Enqueue(transaction, "n1", EventTypes.ReleaseNotice, [], []));
    }
}
