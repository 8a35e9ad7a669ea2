using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Storage.Tests;

/// <summary>SQLite's one writer: what queues behind a commit is committed together, once; the WAL is copied into the file in the background.</summary>
public sealed class SqliteWriterTests : StoreConformanceTests<SqliteTarget>
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

    [Fact]
    public async Task Committed_pages_reach_the_database_file_in_the_background_long_before_the_writer_s_own_threshold()
    {
        var sqlite = Assert.IsType<SqliteStore>(Store);
        var before = new FileInfo(sqlite.Path).Length;

        // About 1,700 pages of WAL: far below the writer's backstop of 10,000, so only the background checkpoint copies them.
        for (var i = 0; i < 100; i++)
        {
            Accept(Submission($"s{i}", messages: [Push($"m{i}") with { Package = new byte[64 * 1024] }]));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(sqlite.Path).Length < before + (4 * 1024 * 1024) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(new FileInfo(sqlite.Path).Length >= before + (4 * 1024 * 1024), $"the database file is {new FileInfo(sqlite.Path).Length} bytes after 100 accepts of 64 KB");
        Assert.Equal(100, Totals().Accepted);
    }
}
