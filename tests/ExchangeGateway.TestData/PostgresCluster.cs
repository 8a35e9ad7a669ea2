using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Npgsql;

namespace ExchangeGateway.TestData;

/// <summary>A throwaway PostgreSQL server in a temp folder, for storage tests that must run against the real thing.</summary>
public sealed partial class PostgresCluster : IAsyncDisposable
{
    private const string FolderPrefix = "exg-pg-";
    private const string Superuser = "postgres";
    private const string Role = "exg";

    // PostgreSQL refuses to run as root; under root the cluster belongs to this account (Debian's package creates it).
    private const string ServiceUser = "postgres";
    private static readonly bool AsServiceUser = Environment.IsPrivilegedProcess;

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private const int StartSeconds = 30;

    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(StartAsync);

    private readonly string binDir;
    private readonly string folder;
    private int stopped;

    private PostgresCluster(string binDir, string folder)
    {
        this.binDir = binDir;
        this.folder = folder;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>One cluster per test process, started on first use and stopped at process exit (do not dispose it); tests create their own databases.</summary>
    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    /// <summary>Npgsql connection string for the test role (password login) to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    private string DataDir => Path.Combine(folder, "data");

    private string LogFile => Path.Combine(folder, "server.log");

    /// <summary>Starts a fresh cluster; if it cannot, throws (tests fail, never skip) naming what failed, with the command output and server log.</summary>
    public static async Task<PostgresCluster> StartAsync()
    {
        var binDir = FindBinaries();
        if (AsServiceUser)
        {
            var id = await RunAsync("id", ["-u", ServiceUser], asServiceUser: false);
            if (id.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL test cluster: running as root, and PostgreSQL refuses to run as root, so the cluster must run as the '{ServiceUser}' user, " +
                    $"which does not exist. Install the postgresql package (it creates that user) or run the tests as a non-root user.");
            }
        }

        var cluster = new PostgresCluster(binDir, Directory.CreateTempSubdirectory(FolderPrefix).FullName);
        try
        {
            await cluster.InitAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database owned by the test role (a unique name unless given) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= "exg_" + Guid.NewGuid().ToString("N");
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain lower-case database name", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server (fast, then immediate, then kill) and deletes its folder.</summary>
    public async ValueTask DisposeAsync() => await Task.Run(() => Stop(atExit: false));

    private async Task InitAsync()
    {
        string[] watchdog = ["-c", Watchdog, "exg-pg-watchdog", Environment.ProcessId.ToString(), folder, Path.Combine(binDir, "pg_ctl"), AsServiceUser ? ServiceUser : ""];
        Check("start of the watchdog", await RunAsync("sh", watchdog, asServiceUser: false));
        var superPassword = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var passwordFile = Path.Combine(folder, "superuser.pw");
        await File.WriteAllTextAsync(passwordFile, superPassword + "\n");
        if (AsServiceUser)
        {
            Check("chown of the temp folder to postgres", await RunAsync("chown", ["-R", ServiceUser + ":", folder], asServiceUser: false));
            // A temp path under a closed folder (e.g. TMPDIR=/root/tmp) would otherwise surface as an obscure initdb error.
            if ((await RunAsync("test", ["-w", folder])).ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL test cluster: the '{ServiceUser}' user cannot write the temp folder {folder}; a parent folder of the temp path is closed to it. " +
                    "Point TMPDIR at a folder it can reach (e.g. /tmp).");
            }
        }

        // C locale: minimal machines often lack the environment's locale. No sync: the cluster is thrown away.
        Check("initdb", await RunAsync(Path.Combine(binDir, "initdb"),
            ["-D", DataDir, "--username=" + Superuser, "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"]));
        File.Delete(passwordFile);
        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), $"""

            # Test cluster: TCP only on loopback, the socket inside the throwaway folder, room for parallel test pools.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{folder.Replace("'", "''", StringComparison.Ordinal)}'
            max_connections = 200
            password_encryption = 'scram-sha-256'

            """);

        await StartServerAsync();

        var rolePassword = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var admin = Builder(Superuser, superPassword);
        admin.Pooling = false;
        try
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE ROLE {Role} LOGIN CREATEDB PASSWORD '{rolePassword}'", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"PostgreSQL test cluster: creating the '{Role}' role as the superuser on 127.0.0.1:{Port} failed: {e.Message}\n--- server log {LogFile} (tail):\n{Tail(ReadLog())}", e);
        }

        ConnectionString = Builder(Role, rolePassword).ConnectionString;
    }

    private async Task StartServerAsync()
    {
        // The free port is only free until someone else binds it; retry on that race rather than fail the run.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var start = await RunAsync(Path.Combine(binDir, "pg_ctl"),
                ["-D", DataDir, "-l", LogFile, "-o", $"-p {Port}", "-w", "-t", StartSeconds.ToString(), "start"]);
            if (start.ExitCode == 0)
            {
                return;
            }

            var log = ReadLog();
            if (attempt < 3 && log.Contains("Address already in use", StringComparison.Ordinal))
            {
                StopServer();
                continue;
            }

            throw Failure($"server start (pg_ctl start on 127.0.0.1:{Port}, {StartSeconds} s)", start);
        }
    }

    // The test host may be killed (vstest kills it ~100 ms after the run; a crash or kill -9 gives no ProcessExit at all), so a
    // detached shell outlives it, and once this process is gone stops the server and deletes the folder.
    private const string Watchdog = """
        owner=$1 folder=$2 pg_ctl=$3 user=$4
        (
          while kill -0 "$owner" && [ -d "$folder" ]; do sleep 1; done
          if [ -f "$folder/data/postmaster.pid" ]; then
            if [ -n "$user" ]; then
              runuser -u "$user" -- "$pg_ctl" -D "$folder/data" -m immediate -w -t 15 stop
            else
              "$pg_ctl" -D "$folder/data" -m immediate -w -t 15 stop
            fi
          fi
          rm -rf "$folder"
        ) </dev/null >/dev/null 2>&1 &
        """;

    private NpgsqlConnectionStringBuilder Builder(string username, string password) => new()
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = username,
        Password = password,
        Database = "postgres",
        IncludeErrorDetail = true,
    };

    // At exit there is little time before the host is killed: no shutdown checkpoint, the data is thrown away anyway.
    private void OnProcessExit(object? sender, EventArgs e) => Stop(atExit: true);

    private void Stop(bool atExit)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        // Pooled connections would only ever see a dead server from here on.
        NpgsqlConnection.ClearAllPools();
        StopServer(atExit);
        DeleteFolder(folder);
    }

    private void StopServer(bool atExit = false)
    {
        var pidFile = Path.Combine(DataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        foreach (var mode in atExit ? (string[])["immediate"] : ["fast", "immediate"])
        {
            if (Run(Path.Combine(binDir, "pg_ctl"), ["-D", DataDir, "-m", mode, "-w", "-t", "15", "stop"], AsServiceUser).ExitCode == 0)
            {
                return;
            }
        }

        // Last resort: kill the postmaster; its backends exit when they see it gone.
        try
        {
            var pid = int.Parse(File.ReadLines(pidFile).First());
            using var postmaster = Process.GetProcessById(pid);
            postmaster.Kill();
            postmaster.WaitForExit(10_000);
        }
        catch (Exception e) when (e is IOException or FormatException or ArgumentException or InvalidOperationException or Win32Exception)
        {
            // Nothing more to try.
        }
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover folder in temp is harmless once the server is stopped.
        }
    }

    /// <summary>The folder holding initdb and pg_ctl: PATH first (following a symlinked initdb), then the newest /usr/lib/postgresql/*/bin.</summary>
    private static string FindBinaries()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(dir, "initdb");
            if (!File.Exists(initdb))
            {
                continue;
            }

            // A symlinked initdb (e.g. /usr/local/bin/initdb) points at the real bin folder, which has pg_ctl and postgres beside it.
            var target = Path.GetDirectoryName(File.ResolveLinkTarget(initdb, returnFinalTarget: true)?.FullName ?? initdb);
            if (target is not null && Has(target))
            {
                return target;
            }

            if (Has(dir))
            {
                return dir;
            }
        }

        // Debian's postgresql package keeps the server binaries off PATH.
        const string debian = "/usr/lib/postgresql";
        var newest = !Directory.Exists(debian) ? null : Directory.EnumerateDirectories(debian)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
            .Where(x => x.Version is not null && Has(x.Dir))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL test cluster: the server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Install the postgresql package (.ci/run does).");
    }

    // Debian names the folders "15", older ones "9.6".
    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Check(string what, CommandResult result)
    {
        if (result.ExitCode != 0)
        {
            throw Failure(what, result);
        }
    }

    private InvalidOperationException Failure(string what, CommandResult result) => new(
        $"PostgreSQL test cluster: {what} failed (exit {result.ExitCode}, binaries {binDir}" + (AsServiceUser ? $", run as '{ServiceUser}' because the tests run as root" : "") + ").\n" +
        $"--- command: {result.Command}\n--- output (tail):\n{Tail(result.Output)}\n--- server log {LogFile} (tail):\n{Tail(ReadLog())}");

    private string ReadLog()
    {
        try
        {
            return File.Exists(LogFile) ? File.ReadAllText(LogFile) : "(no server log)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(server log unreadable: {e.Message})";
        }
    }

    private static string Tail(string text, int lines = 30) =>
        string.Join('\n', text.TrimEnd().Split('\n').TakeLast(lines));

    private static Task<CommandResult> RunAsync(string file, IReadOnlyList<string> args, bool asServiceUser = true) =>
        Task.Run(() => Run(file, args, asServiceUser && AsServiceUser));

    // Synchronous so the ProcessExit handler can call it directly.
    private static CommandResult Run(string file, IReadOnlyList<string> args, bool asServiceUser)
    {
        var start = new ProcessStartInfo(asServiceUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The service user may not be able to enter the test's working folder (e.g. under /root).
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser)
        {
            foreach (var a in (string[])["-u", ServiceUser, "--", file])
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LC_ALL"] = "C";
        var command = string.Join(' ', start.ArgumentList.Prepend(start.FileName));
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new CommandResult(command, -1, $"timed out after {CommandTimeout.TotalSeconds} s\n{stdout.Result}{stderr.Result}");
            }

            process.WaitForExit();
            return new CommandResult(command, process.ExitCode, stdout.Result + stderr.Result);
        }
        catch (Win32Exception e)
        {
            return new CommandResult(command, -1, $"could not run {start.FileName}: {e.Message}");
        }
    }

    private sealed record CommandResult(string Command, int ExitCode, string Output);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
