using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Storage.Tests;

/// <summary>SQLite's group commit: what queues behind a commit is committed together, once.</summary>
public sealed class SqliteGroupCommitTests : StoreConformanceTests<SqliteTarget>
{
    [Fact]
    public async Task Units_that_queue_behind_a_commit_are_committed_together_in_one_transaction()
    {
        var sqlite = Assert.IsType<SqliteStore>(Store);
        using var holding = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();

        // A unit of work on the writer that does not end until ten more have queued behind it.
        var first = Store.InTransactionAsync(t =>
        {
            holding.Set();
            released.Wait(TimeSpan.FromSeconds(30));
            return t.Submissions.Accept(Submission("s0", messages: [Push("m0")])).Outcome;
        });
        holding.Wait(TimeSpan.FromSeconds(30));
        var queued = Enumerable.Range(1, 10).Select(i => Store.InTransactionAsync(t => t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}")])).Outcome)).ToList();
        await Task.Delay(200);
        released.Set();

        Assert.Equal(AcceptOutcome.Accepted, await first);
        Assert.All(await Task.WhenAll(queued), outcome => Assert.Equal(AcceptOutcome.Accepted, outcome));
        Assert.Equal((1L, 10L), sqlite.Grouped);
        Assert.Equal(11, Totals().Accepted);
    }

    [Fact]
    public async Task A_group_limit_of_one_commits_each_unit_alone()
    {
        using var sqlite = SqliteStore.Open(Path.Combine(Directory.CreateTempSubdirectory("exg-group-").FullName, "gateway.db"), Clock, groupLimit: 1);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => sqlite.InTransactionAsync(t => t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}")])))));

        Assert.Equal((0L, 0L), sqlite.Grouped);
        Assert.Equal(20, sqlite.Snapshot(t => t.Admin.Totals()).Accepted);
    }

    [Fact]
    public void A_group_limit_below_one_is_refused_before_the_file_is_created()
    {
        var folder = Directory.CreateTempSubdirectory("exg-group-").FullName;

        Assert.Throws<ArgumentOutOfRangeException>(() => SqliteStore.Open(Path.Combine(folder, "gateway.db"), Clock, groupLimit: 0));
        Assert.False(File.Exists(Path.Combine(folder, "gateway.db")));
    }

    [Fact]
    public async Task Units_queued_before_the_store_is_disposed_are_committed_before_it_closes()
    {
        var units = Enumerable.Range(0, 10).Select(i => Store.InTransactionAsync(t => t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}")])).Outcome)).ToList();

        Store.Dispose();

        Assert.All(await Task.WhenAll(units), outcome => Assert.Equal(AcceptOutcome.Accepted, outcome));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => Store.InTransactionAsync(t => t.Now));
        using var reopened = Target.Open(Clock);
        Assert.Equal(10, reopened.Snapshot(t => t.Admin.Totals()).Accepted);
    }
}
