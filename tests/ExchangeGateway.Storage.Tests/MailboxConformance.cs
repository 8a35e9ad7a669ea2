namespace ExchangeGateway.Storage.Tests;

/// <summary>The mailboxes agencies pull from: listing, fetching, acknowledging and expiry, on every adapter.</summary>
public abstract class MailboxConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void A_mailbox_message_is_fetched_only_by_its_agency_and_leaves_the_mailbox_when_acknowledged()
    {
        Accept(Submission("s1", messages: [Mail("m1")]));

        Assert.Null(Store.InTransaction(t => t.Mailbox.Fetch("B82005", "m1")));
        Assert.False(Store.InTransaction(t => t.Mailbox.Acknowledge("B82005", "m1")));
        Assert.Equal(new byte[] { 4, 5, 6 }, Store.InTransaction(t => t.Mailbox.Fetch("B86030", "m1")));
        Assert.Equal(MessageStatus.Delivered, Assert.Single(Read(t => t.Mailbox.List("B86030"))).Status);
        Assert.True(Store.InTransaction(t => t.Mailbox.Acknowledge("B86030", "m1")));

        Assert.Empty(Read(t => t.Mailbox.List("B86030")));
        Assert.Null(Store.InTransaction(t => t.Mailbox.Fetch("B86030", "m1")));
        Assert.False(Store.InTransaction(t => t.Mailbox.Acknowledge("B86030", "m1")));
        Assert.Equal(1, Totals().Acknowledged);
    }

    [Fact]
    public void The_mailbox_lists_waiting_messages_oldest_first_with_their_submission_and_size()
    {
        Accept(Submission("s1", messages: [Mail("m2")]));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Accept(Submission("s2", messages: [Mail("m1"), Mail("other", "B82005"), Push("p1")]));

        var list = Read(t => t.Mailbox.List("B86030"));

        Assert.Equal(
            [new MailboxEntry("m2", "s1", "release", Start, 3, MessageStatus.Queued), new MailboxEntry("m1", "s2", "release", Start.AddSeconds(1), 3, MessageStatus.Queued)],
            list);
    }

    [Fact]
    public void Fetching_twice_delivers_once_and_a_push_message_is_not_in_any_mailbox()
    {
        Accept(Submission("s1", messages: [Mail("m1"), Push("p1", "B86030")]));

        Store.InTransaction(t => t.Mailbox.Fetch("B86030", "m1"));
        Assert.Equal(new byte[] { 4, 5, 6 }, Store.InTransaction(t => t.Mailbox.Fetch("B86030", "m1")));

        Assert.Equal((MessageStatus.Delivered, 1), (Line("s1", "m1").Status, Line("s1", "m1").Attempts));
        Assert.Null(Store.InTransaction(t => t.Mailbox.Fetch("B86030", "p1")));
        Assert.False(Store.InTransaction(t => t.Mailbox.Acknowledge("B86030", "p1")));
        Assert.Null(Store.InTransaction(t => t.Mailbox.Fetch("B86030", "no-such-message")));
    }

    [Fact]
    public void A_message_can_be_acknowledged_without_being_fetched()
    {
        Accept(Submission("s1", messages: [Mail("m1")]));

        Assert.True(Store.InTransaction(t => t.Mailbox.Acknowledge("B86030", "m1")));
        Assert.Equal(MessageStatus.Acknowledged, Line("s1", "m1").Status);
    }

    [Fact]
    public void An_unacknowledged_mailbox_message_expires_after_the_configured_time()
    {
        Accept(Submission("s1", messages: [Mail("m1")]));
        Assert.Empty(Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))));

        Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        Assert.Equal(["m1"], Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))));

        var line = Line("s1", "m1");
        Assert.Equal((MessageStatus.Expired, "not acknowledged in time"), (line.Status, line.LastError));
        Assert.Empty(Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))));
        Assert.Null(Store.InTransaction(t => t.Mailbox.Fetch("B86030", "m1")));
        Assert.True(Totals().Balances);
    }

    [Fact]
    public void Expiry_takes_fetched_messages_too_but_not_acknowledged_or_cancelled_ones_or_push_messages()
    {
        Accept(Submission("s1", messages: [Mail("fetched"), Mail("acked"), Mail("cancelled"), Mail("waiting"), Push("pushed")]));
        Store.InTransaction(t =>
        {
            t.Mailbox.Fetch("B86030", "fetched");
            t.Mailbox.Acknowledge("B86030", "acked");
            t.Admin.Cancel("cancelled", "admin");
        });
        Clock.Advance(TimeSpan.FromDays(6));

        var expired = Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5)));

        Assert.Equal(["fetched", "waiting"], expired.Order(StringComparer.Ordinal));
        Assert.Equal(new OutboxTotals(5, 1, 0, 1, 0, 2, 1), Totals());
    }
}

public sealed class SqliteMailboxTests : MailboxConformance<SqliteTarget>;

public sealed class PostgreSqlMailboxTests : MailboxConformance<PostgreSqlTarget>;
