namespace ExchangeGateway.Storage.Tests;

/// <summary>The push queue: what is due, claims and their leases, and the transitions after an attempt, on every adapter.</summary>
public abstract class PushQueueConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void A_claim_hands_out_the_message_with_its_package_endpoint_and_attempts()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        var claimed = Assert.Single(Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease)));

        Assert.Equal(("m1", "CJIT-LEEDS", "http://127.0.0.1:1/agencies/CJIT-LEEDS", 0, Start.ToUnixTimeMilliseconds()),
            (claimed.MessageId, claimed.Recipient, claimed.Endpoint, claimed.Attempts, claimed.WindowStartMs));
        Assert.Equal(new byte[] { 1, 2, 3 }, claimed.Package);
    }

    [Fact]
    public void A_claim_takes_no_more_for_an_agency_than_it_has_room_for_and_leaves_the_rest_due_at_once()
    {
        Accept(Submission("s1", messages: [Push("a1"), Push("a2"), Push("a3"), Push("n1", "CJIT-NOTTS")]));

        var first = Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease, agency => agency == "CJIT-LEEDS" ? 2 : 4));

        Assert.Equal(["a1", "a2", "n1"], first.Select(m => m.MessageId).Order(StringComparer.Ordinal));
        var rest = Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease));
        Assert.Equal(["a3"], rest.Select(m => m.MessageId));
    }

    [Fact]
    public void Mailbox_messages_are_never_claimed_for_pushing()
    {
        Accept(Submission("s1", messages: [Mail("m1")]));

        Assert.Empty(Claim(10));
        Assert.Null(Read(t => t.PushQueue.NextDue()));
    }

    [Fact]
    public void A_claimed_message_is_not_due_again_until_its_lease_ends_and_then_comes_back()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Assert.Equal(["m1"], Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease)).Select(m => m.MessageId));

        // Another instance finds nothing while the lease runs, and learns when it ends.
        using var other = Open();
        Assert.Empty(other.InTransaction(t => t.PushQueue.Claim(10, [], [], "b", Lease)));
        Assert.Equal(Start + Lease, other.Snapshot(t => t.PushQueue.NextDue()));
        Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Empty(other.InTransaction(t => t.PushQueue.Claim(10, [], [], "b", Lease)));

        // Instance a was killed holding it: when the lease ends the message is due again, its attempts untouched.
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var again = Assert.Single(other.InTransaction(t => t.PushQueue.Claim(10, [], [], "b", Lease)));
        Assert.Equal(("m1", 0), (again.MessageId, again.Attempts));
    }

    [Fact]
    public void A_retry_waits_until_its_time_and_in_flight_messages_are_not_handed_out_twice()
    {
        Accept(Submission("s1", messages: [Push("m1"), Push("m2", "CJIT-NOTTS")]));

        Assert.Equal(["m2"], Claim(10, skip: ["m1"]));
        Assert.Equal(["m1"], Claim(10, busy: ["CJIT-NOTTS"]));
        Assert.True(Store.InTransaction(t => t.PushQueue.MarkRetry("m1", Start.AddSeconds(5), "HTTP 503")));
        Assert.Empty(Claim(10));
        Assert.Equal(Start.AddSeconds(5), Read(t => t.PushQueue.NextDue()));

        Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(["m1"], Claim(10, busy: ["CJIT-NOTTS"]));
        var line = Line("s1", "m1");
        Assert.Equal((MessageStatus.Queued, 1, "HTTP 503"), (line.Status, line.Attempts, line.LastError));
    }

    [Fact]
    public void Due_pushes_come_oldest_first_across_agencies_and_a_long_queue_for_a_busy_agency_hides_nothing()
    {
        Store.InTransaction(t =>
        {
            for (var i = 0; i < 300; i++)
            {
                // A millisecond apart: "oldest first" then has one answer (ties in one millisecond may come in any order).
                Clock.Advance(TimeSpan.FromMilliseconds(1));
                t.Submissions.Accept(Submission($"leeds-{i}", messages: [Push($"leeds-m{i:D3}")]));
            }
        });
        Clock.Advance(TimeSpan.FromSeconds(1));
        Accept(Submission("notts", messages: [Push("notts-m", "CJIT-NOTTS")]));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Accept(Submission("provider", messages: [Push("provider-m", "CTP-FWDLEEDS"), Mail("gp-m")]));

        Assert.Equal(["provider-m"], Claim(5, busy: ["CJIT-LEEDS", "CJIT-NOTTS"]));
        Assert.Equal(["notts-m"], Claim(5, busy: ["CJIT-LEEDS"]));
        Assert.Equal(["leeds-m000", "leeds-m002", "leeds-m003"], Claim(3, skip: ["leeds-m001"]));

        // A retry due in the past is the oldest due message.
        Assert.True(Store.InTransaction(t => t.PushQueue.MarkRetry("notts-m", Clock.GetUtcNow().AddMinutes(-30), "HTTP 503")));
        Assert.Equal(Clock.GetUtcNow().AddMinutes(-30), Read(t => t.PushQueue.NextDue()));
        Assert.Equal(["notts-m"], Claim(1));
        Assert.Equal(["leeds-m001", "leeds-m004"], Claim(2));
    }

    [Fact]
    public void Nothing_is_due_on_an_empty_queue()
    {
        Assert.Empty(Claim(10));
        Assert.Null(Read(t => t.PushQueue.NextDue()));
    }

    [Fact]
    public void Marking_delivered_after_another_transition_changes_nothing()
    {
        Accept(Submission("s1", messages: [Push("m1"), Push("m2"), Push("m3")]));
        Store.InTransaction(t =>
        {
            Assert.True(t.PushQueue.MarkDeadLetter("m1", "HTTP 400"));
            Assert.True(t.Admin.Cancel("m2", "admin"));
            Assert.True(t.PushQueue.MarkDelivered("m3"));
        });

        Assert.False(Store.InTransaction(t => t.PushQueue.MarkDelivered("m1")));
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkDelivered("m2")));
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkDelivered("m3")));
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkRetry("m3", Start, "late")));
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m2", "late")));
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkDelivered("no-such-message")));
        Assert.Equal(new OutboxTotals(3, 0, 1, 0, 1, 0, 1), Totals());
        Assert.Equal((MessageStatus.DeadLetter, 1, "HTTP 400"), (Line("s1", "m1").Status, Line("s1", "m1").Attempts, Line("s1", "m1").LastError));
    }

    [Fact]
    public void A_delivered_or_dead_lettered_message_is_no_longer_due()
    {
        Accept(Submission("s1", messages: [Push("m1"), Push("m2")]));
        Store.InTransaction(t =>
        {
            t.PushQueue.MarkDelivered("m1");
            t.PushQueue.MarkDeadLetter("m2", "HTTP 410");
        });

        Clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(Claim(10));
        Assert.Null(Read(t => t.PushQueue.NextDue()));
    }

    [Fact]
    public void A_result_recorded_with_a_claim_that_outlived_its_lease_changes_nothing_once_another_instance_holds_the_message()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var first = Assert.Single(Store.InTransaction(t => t.PushQueue.Claim(10, [], [], "a", Lease)));
        Clock.Advance(Lease);
        using var other = Open();
        var second = Assert.Single(other.InTransaction(t => t.PushQueue.Claim(10, [], [], "b", Lease)));

        Assert.NotEqual(first.Claim, second.Claim);
        Assert.False(Store.InTransaction(t => t.PushQueue.MarkRetry("m1", Clock.GetUtcNow(), "HTTP 503", first.Claim)));
        Assert.Equal(0, Line("s1", "m1").Attempts);
        Assert.True(other.InTransaction(t => t.PushQueue.MarkDelivered("m1", second.Claim)));
        Assert.Equal(MessageStatus.Delivered, Line("s1", "m1").Status);
    }
}

public sealed class SqlitePushQueueTests : PushQueueConformance<SqliteTarget>;

public sealed class PostgreSqlPushQueueTests : PushQueueConformance<PostgreSqlTarget>;
