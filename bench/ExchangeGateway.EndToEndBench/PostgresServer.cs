using System.Globalization;
using ExchangeGateway.TestData;
using Npgsql;

namespace ExchangeGateway.EndToEndBench;

/// <summary>The throwaway PostgreSQL server and its postmaster's process id (for its CPU time).</summary>
internal sealed record PostgresServer(PostgresCluster Cluster, int Postmaster)
{
    /// <summary>Drops a measurement's database once the gateways have closed their pools.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);

        // Not WITH (FORCE): that may not end an autovacuum worker (the test role is no superuser), while a plain drop
        // ends it itself; a connection still closing ("being accessed by other users") is waited for.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE \"{name}\"", connection);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The settings that decide what a commit costs, for the record.</summary>
    public async Task<string> SettingsAsync()
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        var settings = new List<string>();
        foreach (var name in (string[])["server_version", "fsync", "synchronous_commit", "wal_sync_method", "shared_buffers", "max_wal_size"])
        {
            await using var command = new NpgsqlCommand($"SHOW {name}", connection);
            settings.Add($"{name} {await command.ExecuteScalarAsync().ConfigureAwait(false)}");
        }

        return string.Join(", ", settings);
    }
}

/// <summary>CPU time of a PostgreSQL server from /proc: the postmaster with the children it has reaped, plus its live children.</summary>
internal static class ServerCpu
{
    // /proc counts in USER_HZ ticks, which Linux fixes at 100 a second for user space.
    private const double MsPerTick = 10;

    /// <summary>The postmaster listening on <paramref name="port"/> (its command line is <c>postgres -D DIR -p PORT</c>).</summary>
    public static int Postmaster(int port)
    {
        foreach (var pid in Pids())
        {
            string[] argv;
            try
            {
                argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var p = Array.IndexOf(argv, "-p");
            if (argv[0].EndsWith("postgres", StringComparison.Ordinal) && p > 0 && p + 1 < argv.Length && argv[p + 1] == port.ToString(CultureInfo.InvariantCulture))
            {
                return pid;
            }
        }

        throw new InvalidOperationException($"no postmaster on port {port} in /proc");
    }

    /// <summary>CPU ms used so far by the server: backends that exited are in the postmaster's reaped-children times.</summary>
    public static double Milliseconds(int postmaster)
    {
        long ticks = 0;
        foreach (var pid in Pids())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after the command name (which may hold spaces): state ppid ... utime stime cutime cstime (the 12th to 15th).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            if (pid == postmaster)
            {
                ticks += Field(11) + Field(12) + Field(13) + Field(14);
            }
            else if (Field(1) == postmaster)
            {
                ticks += Field(11) + Field(12);
            }
        }

        return ticks * MsPerTick;
    }

    private static IEnumerable<int> Pids() => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var pid) ? pid : 0)
        .Where(pid => pid > 0);
}
