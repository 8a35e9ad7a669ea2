using System.Diagnostics;
using System.Globalization;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.Storage.Sqlite;
using ExchangeGateway.TestData;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// A database the gateway cannot use stops it at start with exit 1 and one line naming it, never its password and never
/// a stack trace; the admin commands refuse a schema they would have to change.
/// </summary>
public sealed class StorageStartupTests : IDisposable
{
    private const string Secret = "hunter2-Secret";
    private readonly string folder = Directory.CreateTempSubdirectory("exg-startup-test-").FullName;

    private string Data => Path.Combine(folder, "data");

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task An_unreachable_postgresql_exits_1_with_one_line_naming_the_database_without_the_password()
    {
        var port = CrashTests.FreePort();

        var (exit, line) = await RunGateway(Data, $"Host=127.0.0.1;Port={port};Database=exg;Username=exg;Pwd={Secret};Timeout=3");

        Assert.Equal(1, exit);
        Assert.Contains($"127.0.0.1:{port}/exg", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://exg:" + Secret + "@127.0.0.1:notaport/exg")]
    [InlineData("postgresql://exg:" + Secret + "@127.0.0.1:99999999/exg")]
    [InlineData("Database=exg;Username=exg;Pwd=" + Secret)]
    [InlineData("Host=127.0.0.1;Database=exg;Pwd=" + Secret + ";NoSuchKey=1")]
    [InlineData("Host=127.0.0.1;Database=exg;Password=\"" + Secret)]
    [InlineData("exg:" + Secret)]
    public async Task A_bad_database_setting_exits_1_with_one_line_without_the_password(string setting)
    {
        var (exit, line) = await RunGateway(Data, setting);

        Assert.Equal(1, exit);
        Assert.Contains("database", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_with_another_audit_key_than_the_database_was_first_started_with_exits_1_naming_audit_key()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        var (store, _) = DataFolder.Open(Path.Combine(folder, "first"), database, TimeProvider.System);
        store.Dispose();

        var (exit, line) = await RunGateway(Data, database);

        Assert.Equal(1, exit);
        Assert.Contains("audit.key", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Data, "audit.key"), line, StringComparison.Ordinal);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(database).Password!, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgresql_schema_newer_than_the_build_exits_1_naming_both_versions_and_the_admin_commands_refuse_it_too()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        PostgreSqlStore.Open(database, TimeProvider.System).Dispose();
        var latest = PostgreSqlStore.LatestVersion;
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"INSERT INTO schema_version(version, name, applied_at) VALUES({latest + 1}, 'from_a_newer_build', '2027-01-01T00:00:00Z')", connection);
            await command.ExecuteNonQueryAsync();
        }

        var (exit, line) = await RunGateway(Data, database);
        var (cliExit, cliReport) = CrashTests.Exg(["outbox", "list", "--database", database]);

        Assert.Equal(1, exit);
        Assert.Contains($"version {latest + 1}", line, StringComparison.Ordinal);
        Assert.Contains($"({latest})", line, StringComparison.Ordinal);
        Assert.Equal(1, cliExit);
        Assert.Contains($"version {latest + 1}", Assert.Single(cliReport.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_admin_commands_refuse_a_database_one_version_behind_and_leave_its_schema_to_the_gateway()
    {
        var path = Path.Combine(Data, DatabaseLocation.SqliteFileName);
        SqliteStore.Open(path, TimeProvider.System).Dispose();
        var latest = SqliteStore.LatestVersion;
        // Undo the newest migration (0008: the MESH message id) as a database written by the build before would be.
        Sqlite(path, $"DROP INDEX messages_mesh; ALTER TABLE messages DROP COLUMN mesh_message_id; ALTER TABLE messages DROP COLUMN mesh_tracked_ms; DELETE FROM schema_version WHERE version = {latest}");

        var (exit, report) = CrashTests.Exg(["outbox", "list", "--data", Data]);

        Assert.Equal(1, exit);
        var line = Assert.Single(report.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"version {latest - 1}; this build expects {latest}", line, StringComparison.Ordinal);
        Assert.Equal((latest - 1).ToString(CultureInfo.InvariantCulture), Sqlite(path, "SELECT MAX(version) FROM schema_version"));
        Assert.Equal("0", Sqlite(path, "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name = 'mesh_message_id'"));

        SqliteStore.Open(path, TimeProvider.System).Dispose();

        Assert.Equal(0, CrashTests.Exg(["outbox", "list", "--data", Data]).Exit);
    }

    private static string? Sqlite(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    // The gateway process as an operator starts it; its error output must be exactly one line, with no stack trace.
    private static async Task<(int Exit, string Line)> RunGateway(string data, string database)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CrashTests.GatewayDll(), "--urls", "https://127.0.0.1:0", "--data", data, "--database", database, "--certs", GatewayUnderTest.Certs })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await error;
        Assert.DoesNotContain("   at ", text + await output, StringComparison.Ordinal);
        return (process.ExitCode, Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
