using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Storage.Tests;

/// <summary>SQLite's WAL is copied into the database file in the background, not inside the writer's commits.</summary>
public sealed class SqliteCheckpointTests : StoreConformanceTests<SqliteTarget>
{
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
