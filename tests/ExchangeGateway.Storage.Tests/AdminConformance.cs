using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>The outbox as an administrator and the verifier see it: totals, listing, retry and cancel, on every adapter.</summary>
public abstract class AdminConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void An_administrator_can_retry_a_dead_letter_and_cancel_a_queued_message()
    {
        Accept(Submission("s1", messages: [Push("m1"), Push("m2", "CJIT-NOTTS")]));
        Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m1", "HTTP 400"));

        Assert.False(Store.InTransaction(t => t.Admin.Retry("m2")));
        Assert.True(Store.InTransaction(t => t.Admin.Retry("m1")));
        Assert.True(Store.InTransaction(t => t.Admin.Cancel("m2", "admin")));
        Assert.False(Store.InTransaction(t => t.Admin.Cancel("m2", "admin")));

        Assert.Equal(new OutboxTotals(2, 1, 0, 0, 0, 0, 1), Totals());
        Assert.Equal("admin", Line("s1", "m2").LastError);
    }

    [Fact]
    public void A_dead_letter_or_an_expired_message_can_be_cancelled_once_settled_another_way()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m1", "HTTP 400"));
        Clock.Advance(TimeSpan.FromDays(6));
        Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5)));

        Assert.True(Store.InTransaction(t => t.Admin.Cancel("m1", "telephoned")));
        Assert.True(Store.InTransaction(t => t.Admin.Cancel("m2", "posted")));

        Assert.Equal(new OutboxTotals(2, 0, 0, 0, 0, 0, 2), Totals());
        Assert.False(Store.InTransaction(t => t.Admin.Retry("m1")));
    }

    [Fact]
    public void A_message_being_pushed_now_cannot_be_cancelled_until_its_lease_ends()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Assert.Equal(["m1"], Claim(10));

        Assert.False(Store.InTransaction(t => t.Admin.Cancel("m1", "admin")));

        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.True(Store.InTransaction(t => t.Admin.Cancel("m1", "admin")));
    }

    [Fact]
    public void Counts_by_agency_add_up_to_the_totals_with_answers_and_the_oldest_pending_message()
    {
        Accept(Submission("s1", messages: [Push("p1"), Push("p2"), Push("p3", "CJIT-NOTTS"), Mail("b1"), Mail("b2")]));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Accept(Submission("s2", messages: [Push("p4"), Mail("b3", "B82005")]));
        Store.InTransaction(t =>
        {
            t.PushQueue.MarkDelivered("p1");
            t.PushQueue.MarkDeadLetter("p3", "HTTP 400");
            t.Mailbox.Acknowledge("B86030", "b1");
            t.Admin.Cancel("b2", "admin");
            t.Responses.Record(new StoredResponse("p1", "CJIT-LEEDS", ResponseOutcomes.Accepted, "{}", Start, null));
            t.Responses.Record(new StoredResponse("b1", "B86030", ResponseOutcomes.Rejected, "{}", Start, null));
        });

        var counts = Read(t => t.Admin.ByAgency());

        Assert.Equal(["B82005", "B86030", "CJIT-LEEDS", "CJIT-NOTTS", "HLI"], counts.Select(c => c.Agency));
        var leeds = counts.Single(c => c.Agency == "CJIT-LEEDS");
        Assert.Equal((0L, 2L, 1L, 1L, 0L), (leeds.Submitted, leeds.Queued, leeds.Delivered, leeds.Accepted, leeds.Rejected));
        Assert.Equal(new PendingMessage("p2", Start), leeds.OldestPending);
        Assert.Equal((1L, 1L, 1L), counts.Single(c => c.Agency == "B86030") is var gp ? (gp.Acknowledged, gp.Cancelled, gp.Rejected) : default);
        Assert.Null(counts.Single(c => c.Agency == "B86030").OldestPending);
        Assert.Equal((1L, 0L), counts.Single(c => c.Agency == "CJIT-NOTTS") is var notts ? (notts.DeadLettered, notts.Queued) : default);
        Assert.Equal(new PendingMessage("b3", Start.AddMinutes(5)), counts.Single(c => c.Agency == "B82005").OldestPending);
        Assert.Equal((2L, 0L), counts.Single(c => c.Agency == "HLI") is var prison ? (prison.Submitted, prison.Messages) : default);
        var totals = Totals();
        Assert.Equal(totals.Accepted, counts.Sum(c => c.Messages));
        Assert.Equal((totals.Pending, totals.Delivered, totals.Acknowledged, totals.DeadLettered, totals.Expired, totals.Cancelled),
            (counts.Sum(c => c.Queued), counts.Sum(c => c.Delivered), counts.Sum(c => c.Acknowledged), counts.Sum(c => c.DeadLettered), counts.Sum(c => c.Expired), counts.Sum(c => c.Cancelled)));
    }

    [Fact]
    public void A_retried_message_starts_a_fresh_window_and_is_due_at_once()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Store.InTransaction(t => t.PushQueue.MarkRetry("m1", Start.AddHours(1), "HTTP 503"));
        Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m1", "retries exhausted"));
        Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.True(Store.InTransaction(t => t.Admin.Retry("m1")));

        var due = Assert.Single(Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease)));
        Assert.Equal(("m1", 0, Clock.GetUtcNow().ToUnixTimeMilliseconds()), (due.MessageId, due.Attempts, due.WindowStartMs));
    }

    [Fact]
    public void A_retried_expired_mailbox_message_waits_its_full_time_again()
    {
        Accept(Submission("s1", messages: [Mail("m1")]));
        Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(["m1"], Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))));

        Assert.True(Store.InTransaction(t => t.Admin.Retry("m1")));

        Assert.Empty(Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))));
        Assert.Equal(Clock.GetUtcNow(), Assert.Single(Read(t => t.Mailbox.List("B86030"))).CreatedAt);
    }

    [Fact]
    public void Delivered_and_acknowledged_messages_can_be_neither_retried_nor_cancelled()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        Store.InTransaction(t =>
        {
            t.PushQueue.MarkDelivered("m1");
            t.Mailbox.Acknowledge("B86030", "m2");
        });

        Assert.False(Store.InTransaction(t => t.Admin.Retry("m1")));
        Assert.False(Store.InTransaction(t => t.Admin.Cancel("m1", "admin")));
        Assert.False(Store.InTransaction(t => t.Admin.Retry("m2")));
        Assert.False(Store.InTransaction(t => t.Admin.Cancel("m2", "admin")));
        Assert.False(Store.InTransaction(t => t.Admin.Retry("no-such-message")));
    }

    [Fact]
    public void The_totals_balance_through_every_state()
    {
        Accept(Submission("s1", messages: [Push("p1"), Push("p2"), Push("p3"), Mail("b1"), Mail("b2"), Mail("b3"), Mail("b4")]));
        Store.InTransaction(t =>
        {
            t.PushQueue.MarkDelivered("p1");
            t.PushQueue.MarkDeadLetter("p2", "HTTP 400");
            t.Mailbox.Fetch("B86030", "b1");
            t.Mailbox.Acknowledge("B86030", "b2");
            t.Admin.Cancel("b3", "admin");
        });
        Clock.Advance(TimeSpan.FromDays(6));
        Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5)));

        var totals = Totals();

        Assert.Equal(new OutboxTotals(7, 1, 1, 1, 1, 2, 1), totals);
        Assert.True(totals.Balances);
    }

    [Fact]
    public void The_outbox_lists_newest_first_optionally_by_state_and_up_to_a_maximum()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Accept(Submission("s2", messages: [Push("m2"), Mail("m3")]));
        Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m2", "HTTP 400"));

        Assert.Equal(["m2", "m3", "m1"], Read(t => t.Admin.List(null, 10)).Select(l => l.MessageId));
        Assert.Equal(["m2", "m3"], Read(t => t.Admin.List(null, 2)).Select(l => l.MessageId));
        var dead = Assert.Single(Read(t => t.Admin.List(MessageStatus.DeadLetter, 10)));
        Assert.Equal(new OutboxLine("m2", "s2", "CJIT-LEEDS", "push", MessageStatus.DeadLetter, 1, "HTTP 400", Start.AddSeconds(1), Domain.EventTypes.Release), dead);
        Assert.Empty(Read(t => t.Admin.List(MessageStatus.Expired, 10)));
    }

    [Fact]
    public void The_verifier_sees_every_submission_and_message_state_oldest_first()
    {
        Accept(Submission("s2", messages: [Push("m1")]));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Accept(Submission("s1", messages: [Mail("m2")]));
        Store.InTransaction(t => t.PushQueue.MarkRetry("m1", Start, "HTTP 503"));

        Assert.Equal((2L, 2L), Read(t => t.Admin.Counts()));
        Assert.Equal(["s2", "s1"], Read(t => t.Admin.SubmissionIds()));
        Assert.Equal(
            [new StoredMessageState("m1", "push", MessageStatus.Queued, 1), new StoredMessageState("m2", "mailbox", MessageStatus.Queued, 0)],
            Read(t => t.Admin.MessageStates()));
    }
}

public sealed class SqliteAdminTests : AdminConformance<SqliteTarget>;

public sealed class PostgreSqlAdminTests : AdminConformance<PostgreSqlTarget>;
