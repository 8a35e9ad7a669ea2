namespace ExchangeGateway.Storage.Tests;

/// <summary>The per-agency queue the gateway's metrics read at scrape time, on every adapter.</summary>
public abstract class PendingByAgencyConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void Pending_by_agency_counts_only_queued_messages_with_the_oldest_creation_time()
    {
        Accept(Submission("s1", messages: [Push("p1"), Mail("b1"), Mail("b2")]));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Accept(Submission("s2", hash: "h2", messages: [Push("p2"), Push("p3", "CJIT-NOTTS"), Mail("b3", "B82005")]));
        Store.InTransaction(t =>
        {
            t.PushQueue.MarkDelivered("p1");
            t.Mailbox.Fetch("B86030", "b1");
            t.Admin.Cancel("b3", "admin");
        });

        var pending = Read(t => t.Admin.PendingByAgency());

        Assert.Equal(
            [new PendingForAgency("B86030", 1, Start), new PendingForAgency("CJIT-LEEDS", 1, Start.AddMinutes(5)), new PendingForAgency("CJIT-NOTTS", 1, Start.AddMinutes(5))],
            pending);
    }

    [Fact]
    public void Pending_by_agency_is_empty_when_nothing_is_queued()
    {
        Assert.Empty(Read(t => t.Admin.PendingByAgency()));
    }
}

/// <summary>SQLite.</summary>
public sealed class SqlitePendingByAgencyTests : PendingByAgencyConformance<SqliteTarget>;

/// <summary>PostgreSQL.</summary>
public sealed class PostgreSqlPendingByAgencyTests : PendingByAgencyConformance<PostgreSqlTarget>;
