using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

public sealed class OutboxTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-outbox-test-").FullName;
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 13, 9, 0, 0, TimeSpan.Zero));
    private readonly Outbox outbox;

    public OutboxTests()
    {
        outbox = Outbox.Open(GatewayDatabase.PathIn(folder), clock);
    }

    public void Dispose()
    {
        outbox.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static AcceptedSubmission Submission(string id, string hash = "h1", string? withdrawnAt = null, params OutgoingMessage[] messages) => new(
        id, "HLI", "release", hash, ["nhs:abc"],
        [.. messages.Select(m => new RecipientDecision(m.Recipient, m.RecipientType, "shared", "consented", m.MessageId))],
        messages, $"{{\"submissionId\":\"{id}\"}}", new KnownAgencies("B86030", "CJIT-LEEDS"), withdrawnAt);

    private static OutgoingMessage Push(string id, string agency = "CJIT-LEEDS") => new(id, agency, "cjit", DeliveryChannel.Push, "http://127.0.0.1:1/agencies/" + agency, [1, 2, 3]);

    private static OutgoingMessage Mail(string id, string agency = "B86030") => new(id, agency, "gp", DeliveryChannel.Mailbox, null, [4, 5, 6]);

    [Fact]
    public void The_database_runs_in_WAL_with_synchronous_FULL()
    {
        using var command = outbox.Connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public void Accepting_stores_messages_decisions_and_what_is_known_about_the_person()
    {
        var result = outbox.Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        Assert.Equal(AcceptOutcome.Accepted, result.Outcome);
        Assert.Equal(new OutboxTotals(2, 2, 0, 0, 0, 0, 0), outbox.Totals());
        Assert.Equal(new KnownAgencies("B86030", "CJIT-LEEDS"), outbox.Remembered(["nhs:abc"])!.Agencies);
        Assert.Equal(2, outbox.Track("s1").Count);
    }

    [Fact]
    public void A_failure_inside_the_transaction_leaves_nothing_behind()
    {
        Assert.Throws<InvalidOperationException>(() => outbox.Accept(Submission("s1", messages: [Push("m1")]), (_, _) => throw new InvalidOperationException("audit failed")));
        Assert.Null(outbox.FindSubmission("s1"));
        Assert.Equal(0, outbox.Totals().Accepted);
        Assert.Null(outbox.Remembered(["nhs:abc"]));
    }

    [Fact]
    public void The_same_submission_again_is_a_repeat_and_another_body_a_conflict()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1")]));
        Assert.Equal(AcceptOutcome.Repeated, outbox.Accept(Submission("s1", messages: [Push("m9")])).Outcome);
        Assert.Equal(AcceptOutcome.Conflict, outbox.Accept(Submission("s1", hash: "h2", messages: [Push("m8")])).Outcome);
        Assert.Equal(1, outbox.Totals().Accepted);
    }

    [Fact]
    public void A_retry_waits_until_its_time_and_in_flight_messages_are_not_handed_out_twice()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1"), Push("m2", "CJIT-NOTTS")]));
        Assert.Equal(["m2"], outbox.DuePush(10, ["m1"], []).Select(m => m.MessageId));
        Assert.Equal(["m1"], outbox.DuePush(10, [], ["CJIT-NOTTS"]).Select(m => m.MessageId));
        outbox.MarkRetry("m1", clock.Now.AddSeconds(5), "HTTP 503");
        Assert.DoesNotContain(outbox.DuePush(10, [], []), m => m.MessageId == "m1");
        clock.Now = clock.Now.AddSeconds(6);
        var due = Assert.Single(outbox.DuePush(10, [], ["CJIT-NOTTS"]));
        Assert.Equal(1, due.Attempts);
    }

    [Fact]
    public void Due_pushes_come_oldest_first_across_agencies_and_a_long_queue_for_a_busy_agency_hides_nothing()
    {
        for (var i = 0; i < 300; i++)
        {
            outbox.Accept(Submission($"leeds-{i}", messages: [Push($"leeds-m{i:D3}")]));
        }

        clock.Now = clock.Now.AddSeconds(1);
        outbox.Accept(Submission("notts", messages: [Push("notts-m", "CJIT-NOTTS")]));
        clock.Now = clock.Now.AddSeconds(1);
        outbox.Accept(Submission("provider", messages: [Push("provider-m", "CTP-FWDLEEDS"), Mail("gp-m")]));

        Assert.Equal(["notts-m", "provider-m"], outbox.DuePush(5, [], ["CJIT-LEEDS"]).Select(m => m.MessageId));
        Assert.Equal(["leeds-m000", "leeds-m002", "leeds-m003"], outbox.DuePush(3, ["leeds-m001"], []).Select(m => m.MessageId));
        Assert.Equal(["provider-m"], outbox.DuePush(5, [], ["CJIT-LEEDS", "CJIT-NOTTS"]).Select(m => m.MessageId));

        outbox.MarkRetry("notts-m", clock.Now.AddMinutes(-30), "HTTP 503");
        Assert.Equal("notts-m", outbox.DuePush(1, [], []).Single().MessageId);
        Assert.Equal(clock.Now.AddMinutes(-30).ToUnixTimeMilliseconds(), outbox.NextPushDue()!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void A_mailbox_message_is_fetched_only_by_its_agency_and_leaves_the_mailbox_when_acknowledged()
    {
        outbox.Accept(Submission("s1", messages: [Mail("m1")]));
        Assert.Null(outbox.Fetch("B82005", "m1"));
        Assert.False(outbox.Acknowledge("B82005", "m1"));
        Assert.Equal(new byte[] { 4, 5, 6 }, outbox.Fetch("B86030", "m1"));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(outbox.Mailbox("B86030")).Status);
        Assert.True(outbox.Acknowledge("B86030", "m1"));
        Assert.Empty(outbox.Mailbox("B86030"));
        Assert.Equal(1, outbox.Totals().Acknowledged);
    }

    [Fact]
    public void An_unacknowledged_mailbox_message_expires_after_the_configured_time()
    {
        outbox.Accept(Submission("s1", messages: [Mail("m1")]));
        Assert.Empty(outbox.ExpireMailbox(clock.Now.AddDays(-5)));
        clock.Now = clock.Now.AddDays(5).AddMinutes(1);
        Assert.Equal(["m1"], outbox.ExpireMailbox(clock.Now.AddDays(-5)));
        Assert.Equal(MessageStatus.Expired, outbox.Track("s1").Single().Status);
        Assert.True(outbox.Totals().Balances);
    }

    [Fact]
    public void Consent_narrowed_to_fewer_types_cancels_only_the_dropped_types_queued_messages()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        var result = outbox.Accept(Submission("s2") with { TypesNotShared = ["cjit"] });

        var cancelled = Assert.Single(result.Cancelled);
        Assert.Equal(("m1", CancelCause.ConsentNarrowed), (cancelled.MessageId, cancelled.Cause));
        var track = outbox.Track("s1").ToDictionary(t => t.MessageId!);
        Assert.Equal(MessageStatus.Cancelled, track["m1"].Status);
        Assert.Contains("cjit", track["m1"].LastError, StringComparison.Ordinal);
        Assert.Equal(MessageStatus.Queued, track["m2"].Status);
        Assert.Null(outbox.Remembered(["nhs:abc"])!.WithdrawnAt);
    }

    [Fact]
    public void A_withdrawal_cancels_queued_messages_for_the_person_but_not_delivered_ones()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        outbox.MarkDelivered("m1");
        var result = outbox.Accept(Submission("s2", withdrawnAt: "2026-03-13T10:00:00+00:00"));
        Assert.Equal(["m2"], result.CancelledMessageIds);
        Assert.Equal(new OutboxTotals(2, 0, 1, 0, 0, 0, 1), outbox.Totals());
        Assert.Equal("2026-03-13T10:00:00+00:00", outbox.Remembered(["nhs:abc"])!.WithdrawnAt);
    }

    [Fact]
    public void An_administrator_can_retry_a_dead_letter_and_cancel_a_queued_message()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1"), Push("m2", "CJIT-NOTTS")]));
        outbox.MarkDeadLetter("m1", "HTTP 400");
        Assert.False(outbox.Retry("m2"));
        Assert.True(outbox.Retry("m1"));
        Assert.True(outbox.Cancel("m2", "admin"));
        Assert.False(outbox.Cancel("m2", "admin"));
        Assert.Equal(new OutboxTotals(2, 1, 0, 0, 0, 0, 1), outbox.Totals());
    }

    [Fact]
    public void Accepted_messages_survive_closing_and_reopening_the_database()
    {
        outbox.Accept(Submission("s1", messages: [Push("m1")]));
        using var reopened = Outbox.Open(GatewayDatabase.PathIn(folder), clock);
        Assert.Equal(["m1"], reopened.DuePush(10, [], []).Select(m => m.MessageId));
    }
}
