using System.Text.Json.Nodes;
using ExchangeGateway.Audit.Tests;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Selection;
using ExchangeGateway.TestData;
using Npgsql;

namespace ExchangeGateway.Cli.Tests;

/// <summary>
/// The audit commands on a database named by --database: a PostgreSQL database (a throwaway cluster), a SQLite file by
/// its path, and settings that name nothing usable, which must be one line and exit 1, never a stack trace.
/// </summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditDatabaseOptionTests(PkiFixture pki)
{
    [Fact]
    public async Task Verify_query_and_export_read_a_trail_in_postgresql()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        using var trail = new Trail(pki, entries: 20, submissions: 3, openStore: StoreIn(database));
        var file = trail.Folder.File("trail.jsonl");

        var verify = CliRun.Of("audit", "verify", "--database", database, "--certs", pki.Folder);
        var query = CliRun.Of("audit", "query", "--data", trail.Data, "--database", database, "--subject", Trail.NhsNumber, "--json");
        var export = CliRun.Of("audit", "export", "--database", database, "--out", file, "--certs", pki.Folder);
        var verifyFile = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder);

        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.Error);
        Assert.StartsWith("PostgreSQL ", verify.Output, StringComparison.Ordinal);
        Assert.Contains("verified: 26 entries, head seq 26", verify.Output, StringComparison.Ordinal);
        Assert.True(query.ExitCode == ExitCodes.Ok, query.Error);
        Assert.Equal(
            Enumerable.Range(1, 20).Where(i => trail.SubjectsOf(i).Contains(trail.PersonA)).Select(i => (long)i),
            JsonNode.Parse(query.Output)!.AsArray().Select(e => (long)e!["seq"]!));
        Assert.True(export.ExitCode == ExitCodes.Ok, export.Error);
        Assert.Contains("exported 26 entries", export.Output, StringComparison.Ordinal);
        Assert.True(verifyFile.ExitCode == ExitCodes.Ok, verifyFile.Error);
    }

    [Fact]
    public async Task Verify_of_a_trail_tampered_with_in_postgresql_names_the_first_bad_seq_and_the_dropped_trigger()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        using var trail = new Trail(pki, entries: 20, openStore: StoreIn(database));
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("DROP TRIGGER audit_entries_no_update ON audit_entries; UPDATE audit_entries SET actor = 'BMI' WHERE seq = 17", connection);
            await command.ExecuteNonQueryAsync();
        }

        var run = CliRun.Of("audit", "verify", "--database", database, "--certs", pki.Folder);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 17:", run.Error, StringComparison.Ordinal);
        Assert.Contains("warning: the append-only triggers audit_entries_no_update are missing", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_query_and_export_take_a_sqlite_file_by_its_path()
    {
        using var trail = new Trail(pki, entries: 12);
        using var elsewhere = new TempFolder();
        var database = trail.Folder.File(DatabaseLocation.SqliteFileName);
        var file = trail.Folder.File("trail.jsonl");

        var verify = CliRun.Of("audit", "verify", "--database", database, "--certs", pki.Folder);
        var export = CliRun.Of("audit", "export", "--database", database, "--out", file, "--certs", pki.Folder);

        // With --database, --data is read for the audit key alone: a folder holding only the key will do.
        File.Copy(trail.Folder.File("audit.key"), elsewhere.File("audit.key"));
        var query = CliRun.Of("audit", "query", "--data", elsewhere.Path, "--database", database, "--subject", Trail.NhsNumber);

        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.Error);
        Assert.Contains($"SQLite {database}: verified: 12 entries", verify.Output, StringComparison.Ordinal);
        Assert.True(export.ExitCode == ExitCodes.Ok, export.Error);
        Assert.True(query.ExitCode == ExitCodes.Ok, query.Error);
        Assert.Equal(Enumerable.Range(1, 12).Count(i => trail.SubjectsOf(i).Contains(trail.PersonA)), query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Single(Directory.EnumerateFileSystemEntries(elsewhere.Path));
    }

    [Theory]
    [InlineData("verify", "not-a-database")]
    [InlineData("query", "not-a-database")]
    [InlineData("export", "not-a-database")]
    [InlineData("verify", "Host=127.0.0.1;Database=exg;NoSuchKey=1")]
    [InlineData("verify", "postgres://exg@127.0.0.1:notaport/exg")]
    public void A_database_setting_that_names_no_database_is_one_line_and_exit_1(string command, string setting)
    {
        using var trail = new Trail(pki, entries: 1);

        var run = CliRun.Of(Arguments(command, trail, setting));

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.StartsWith("error: database: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("query")]
    [InlineData("export")]
    public void A_postgresql_server_that_cannot_be_reached_is_one_line_and_exit_1_without_the_password(string command)
    {
        using var trail = new Trail(pki, entries: 1);

        // Port 1 on loopback: refused at once.
        var run = CliRun.Of(Arguments(command, trail, "Host=127.0.0.1;Port=1;Database=exg;Username=exg;Password=hunter2;Timeout=2"));

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("hunter2", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Export_needs_exactly_one_of_data_and_database(bool both)
    {
        using var trail = new Trail(pki, entries: 1);
        List<string> args = ["audit", "export", "--out", trail.Folder.File("x.jsonl"), "--certs", pki.Folder];
        if (both)
        {
            args.AddRange(["--data", trail.Data, "--database", trail.Folder.File(DatabaseLocation.SqliteFileName)]);
        }

        var run = CliRun.Of([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.False(File.Exists(trail.Folder.File("x.jsonl")));
    }

    /// <summary>Writes the trail to <paramref name="database"/> (PostgreSQL) in place of the folder's gateway.db.</summary>
    private static Func<TimeProvider, IGatewayStore> StoreIn(string database) => time => StorageSelection.Open(database, null, time);

    private string[] Arguments(string command, Trail trail, string database) => command switch
    {
        "verify" => ["audit", "verify", "--database", database, "--certs", pki.Folder],
        "query" => ["audit", "query", "--data", trail.Data, "--database", database, "--subject", Trail.NhsNumber],
        _ => ["audit", "export", "--database", database, "--out", trail.Folder.File("x.jsonl"), "--certs", pki.Folder],
    };
}
