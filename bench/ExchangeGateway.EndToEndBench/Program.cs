using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Gateway;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

// End-to-end benchmark: submissions per second and accept latency through the real gateway on loopback (mutual TLS,
// intake, routing, consent, minimisation, mapping, sealing, one SQLite transaction with synchronous=FULL, audit
// entries in that transaction), against the same documents sealed by `openssl cms` one process pair per package in
// the same run; and the same gateway with audit recording off, alternating rounds, to show what auditing costs.
// With --storage: the audited gateway on SQLite, on PostgreSQL, and as two instances sharing one PostgreSQL database.
var root = RepositoryRoot();
var certs = Path.Combine(root, "certs-dev");
var example = File.ReadAllText(Path.Combine(root, "tests", "ExchangeGateway.TestData", "examples", "release-ost.json"));

// Positional arguments as before (seconds, clients, rounds); --storage LIST anywhere switches to the storage comparison
// instead of the audit one, so existing commands still mean the same.
var (positional, storageModes, distinctPeople) = ParseArguments(args);
var seconds = positional.Count > 0 ? double.Parse(positional[0], CultureInfo.InvariantCulture) : 6;
var concurrency = positional.Count > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 8;
var rounds = positional.Count > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 3;
const int WarmUpSubmissions = 30;
var person = 0;

// The CJIT's endpoint in the embedded development directory is 127.0.0.1:8480: a minimal receiver answers 200 there,
// so pushes are delivered (and audited) during the measurement.
using var receiver = new HttpListener();
receiver.Prefixes.Add("http://127.0.0.1:8480/");
receiver.Start();
var pushed = 0;
_ = Task.Run(async () =>
{
    while (receiver.IsListening)
    {
        HttpListenerContext context;
        try
        {
            context = await receiver.GetContextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            break;
        }

        try
        {
            await context.Request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Interlocked.Increment(ref pushed);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // A push the gateway gave up on (its timeout) while it was being answered: the gateway retries it; keep serving.
            context.Response.Abort();
        }
    }
});

if (storageModes is not null)
{
    await using var cluster = storageModes.Any(m => m != StorageMode.Sqlite) ? await PostgresCluster.StartAsync().ConfigureAwait(false) : null;
    await CompareStorage(storageModes, cluster).ConfigureAwait(false);
    return 0;
}

// Discarded warm-up rounds, one of each, first: on this 2-core machine tiered JIT keeps recompiling in the background
// for a while, which otherwise makes round 1 the slowest, whichever side it is.
await Measure(true).ConfigureAwait(false);
await Measure(false).ConfigureAwait(false);
var audited = new List<Run>();
var unaudited = new List<Run>();
for (var round = 0; round < rounds; round++)
{
    // Alternate the order so drift in the machine's load falls on both sides.
    foreach (var withAudit in round % 2 == 0 ? new[] { true, false } : [false, true])
    {
        var run = await Measure(withAudit).ConfigureAwait(false);
        (withAudit ? audited : unaudited).Add(run);
        Console.Error.WriteLine($"round {round + 1}, audit {(withAudit ? "on " : "off")}: {run.Rate:F1}/s, p50 {run.P50:F1} ms, p99 {run.P99:F1} ms, {run.AuditEntries} audit entries, {run.CpuMs:F2} ms CPU per submission, {run.PushRate:F0} pushes/s");
    }
}

var best = audited.OrderByDescending(r => r.Rate).First();
var bestOff = unaudited.OrderByDescending(r => r.Rate).First();
double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

var medianOn = Median(audited.Select(r => r.Rate));
var medianOff = Median(unaudited.Select(r => r.Rate));
var cpuOn = Median(audited.Select(r => r.CpuMs));
var cpuOff = Median(unaudited.Select(r => r.CpuMs));
var reference = MeasureOpenSsl(certs, example, Math.Min(seconds, 5));
var perSubmission = reference / 3;

Console.WriteLine("| measure | value |");
Console.WriteLine("|---|---:|");
Console.WriteLine($"| submissions accepted (202) per second, audited, {concurrency} clients (median of {rounds} × {seconds:0} s) | {medianOn:F1}/s |");
Console.WriteLine($"| packages sealed and stored per second (3 recipients per submission) | {medianOn * 3:F1}/s |");
Console.WriteLine($"| accept latency p50 / p99 (best audited round) | {best.P50:F1} ms / {best.P99:F1} ms |");
Console.WriteLine($"| audit entries written per submission (accept + deliveries) | {best.AuditEntries / (double)best.Count:F1} |");
Console.WriteLine($"| the same with audit recording off (median) | {medianOff:F1}/s |");
Console.WriteLine($"| **cost of auditing** (1 − audited / unaudited, medians) | **{(1 - (medianOn / medianOff)) * 100:F1}%** |");
Console.WriteLine($"| cost of auditing, median of the {rounds} paired rounds (1 − on / off within a round) | {Median(audited.Zip(unaudited, (on, off) => (1 - (on.Rate / off.Rate)) * 100)):F1}% |");
Console.WriteLine($"| CPU per submission (gateway and clients, all threads), audited / unaudited (medians) | {cpuOn:F2} ms / {cpuOff:F2} ms |");
Console.WriteLine($"| **CPU cost of auditing** (audited / unaudited − 1) | **{((cpuOn / cpuOff) - 1) * 100:F1}%** |");
Console.WriteLine($"| openssl cms sign \\| encrypt, one process pair per package | {reference:F1} packages/s |");
Console.WriteLine($"| openssl reference per submission (3 packages) | {perSubmission:F1}/s |");
Console.WriteLine($"| **ratio gateway (audited) / openssl reference** | **{medianOn / perSubmission:F1}x** |");
Console.WriteLine($"| CJIT pushes delivered during the runs | {pushed} |");
return 0;

async Task<Run> Measure(bool withAudit, StorageMode storage = StorageMode.Sqlite, Server? server = null)
{
    // Let the previous round's garbage and the page cache's write-back of its deleted database settle first, so that
    // neither side pays for the other.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    var work = Directory.CreateTempSubdirectory("exg-bench-").FullName;

    // Every measurement submits the same people in the same order (into its own empty store).
    person = 0;

    // A fresh database per measurement, so that no round inherits another's rows, dead tuples or queue.
    var database = storage == StorageMode.Sqlite ? null : await server!.Cluster.CreateDatabaseAsync().ConfigureAwait(false);
    var apps = new List<WebApplication>();
    var stores = new List<IGatewayStore>();
    try
    {
        for (var n = 0; n < (storage == StorageMode.Pg2 ? 2 : 1); n++)
        {
            var data = Path.Combine(work, $"data{n}");
            if (n > 0)
            {
                // Every instance on one database must hold the first one's person key, or it refuses to start.
                Directory.CreateDirectory(data);
                File.Copy(PersonKeys.PathIn(Path.Combine(work, "data0")), PersonKeys.PathIn(data));
            }

            string[] gatewayArgs = ["--urls", "https://127.0.0.1:0", "--data", data, "--certs", certs, "--log-level", "Warning", .. database is null ? [] : (string[])["--database", database]];
            var app = GatewayHost.Build(gatewayArgs, withAudit ? null : services => services.AddSingleton(sp => new GatewayAudit(
                sp.GetRequiredService<IGatewayStore>(), sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>()) { Recording = false }));
            apps.Add(app);
            stores.Add(app.Services.GetRequiredService<IGatewayStore>());
        }

        foreach (var app in apps)
        {
            await app.StartAsync().ConfigureAwait(false);
        }

        var addresses = apps.Select(app => new Uri(app.Urls.First() + "/")).ToList();

        // Messages named in the 202 answers, warm-up included: what the outbox must hold afterwards.
        long acceptedMessages = 0;
        foreach (var address in addresses)
        {
            using var warm = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System));
            for (var i = 0; i < WarmUpSubmissions / addresses.Count; i++)
            {
                acceptedMessages += await Submit(warm, Body()).ConfigureAwait(false);
            }
        }

        var latencies = new List<double>();
        long measuredMessages = 0;
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverBefore = server is null ? 0 : ServerCpu.Milliseconds(server.Postmaster);
        var machineBefore = MachineCpu.Read();
        var pushedBefore = Volatile.Read(ref pushed);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async c =>
        {
            // Clients split evenly between the instances, as a round-robin load balancer would.
            using var client = new GatewayClient(addresses[c % addresses.Count], TlsIdentity.Load(certs, "HLI", TimeProvider.System));
            var mine = new List<double>();
            long messages = 0;
            while (clock.Elapsed < deadline)
            {
                var body = Body();
                var started = Stopwatch.GetTimestamp();
                var response = await client.SubmitAsync(body).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                messages += MessagesIn(response);
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
                measuredMessages += messages;
            }
        })).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        acceptedMessages += measuredMessages;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / latencies.Count;
        var serverCpu = server is null ? 0 : (ServerCpu.Milliseconds(server.Postmaster) - serverBefore) / latencies.Count;
        var busy = MachineCpu.Read().BusyShareSince(machineBefore);
        var pushRate = (Volatile.Read(ref pushed) - pushedBefore) / elapsed;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        var entries = stores[0].InTransaction(tx => AuditLog.Head(tx.Audit))?.Seq ?? 0;

        // Every instance must see the same outbox, balanced, holding exactly the messages the 202s named.
        var totals = stores[0].InTransaction(tx => tx.Admin.Totals());
        foreach (var store in stores)
        {
            var seen = store.InTransaction(tx => tx.Admin.Totals());
            if (!seen.Balances || seen.Accepted != acceptedMessages)
            {
                throw new InvalidOperationException($"{storage}: {store.Description} has outbox totals {seen}, which do not balance or differ from the {acceptedMessages} messages accepted");
            }
        }

        var submissions = latencies.Count + WarmUpSubmissions;
        return new Run(latencies.Count / elapsed, Percentile(0.5), Percentile(0.99), submissions, entries, cpu, pushRate, serverCpu, busy, measuredMessages / elapsed, totals, jitted);
    }
    finally
    {
        foreach (var app in apps)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var store in stores)
        {
            store.Dispose();
        }

        if (database is not null)
        {
            await server!.DropDatabaseAsync(database).ConfigureAwait(false);
        }

        Directory.Delete(work, recursive: true);
    }
}

// The storage comparison: the audited gateway on SQLite, on PostgreSQL as one instance, and as two instances in this
// process sharing one database, in that order within each round, after two discarded warm-up rounds.
async Task CompareStorage(IReadOnlyList<StorageMode> modes, PostgresCluster? cluster)
{
    var server = cluster is null ? null : new Server(cluster, ServerCpu.Postmaster(cluster.Port));
    if (server is not null)
    {
        Console.Error.WriteLine($"PostgreSQL: {await server.SettingsAsync().ConfigureAwait(false)}");
    }

    // Here tiered JIT keeps compiling thousands of methods a second for about 40 s (ASP.NET Core, the FHIR SDK,
    // BouncyCastle, both database drivers): two warm-up rounds of every mode, so the first measured round is not its victim.
    for (var warmUp = 0; warmUp < 2; warmUp++)
    {
        foreach (var mode in modes)
        {
            var run = await Measure(true, mode, server).ConfigureAwait(false);
            Console.Error.WriteLine($"warm-up {warmUp + 1}, {Name(mode)}: {run.Rate:F1}/s, {run.Jitted} methods JIT-compiled while measuring");
        }
    }

    var runs = modes.ToDictionary(m => m, _ => new List<Run>());
    for (var round = 0; round < rounds; round++)
    {
        foreach (var mode in modes)
        {
            var run = await Measure(true, mode, server).ConfigureAwait(false);
            runs[mode].Add(run);
            Console.Error.WriteLine(
                $"round {round + 1}, {Name(mode)}: {run.Rate:F1}/s, p50 {run.P50:F1} ms, p99 {run.P99:F1} ms, CPU {run.CpuMs:F2} + {run.ServerCpuMs:F2} ms per submission (gateway and clients + PostgreSQL), " +
                $"machine {run.MachineBusy * 100:F0}% busy, {run.PushRate:F0} pushes/s, {run.AuditEntries / (double)run.Count:F1} audit entries per submission, {run.Jitted} methods JIT-compiled, outbox {run.Totals}");
        }
    }

    string Cell(StorageMode mode, Func<Run, double> measure, string format)
    {
        var values = runs[mode].Select(measure).ToList();
        return $"{Median(values).ToString(format, CultureInfo.InvariantCulture)} ({values.Min().ToString(format, CultureInfo.InvariantCulture)}–{values.Max().ToString(format, CultureInfo.InvariantCulture)})";
    }

    string Row(string measure, Func<StorageMode, string> cell) => $"| {measure} | {string.Join(" | ", modes.Select(cell))} |";

    Console.WriteLine($"| measure (median of {rounds} rounds × {seconds:0} s, {concurrency} clients; min–max) | {string.Join(" | ", modes.Select(Name))} |");
    Console.WriteLine($"|---|{string.Concat(modes.Select(_ => "---:|"))}");
    Console.WriteLine(Row("submissions accepted (202) per second", m => Cell(m, r => r.Rate, "F1")));
    Console.WriteLine(Row("packages sealed and stored per second", m => Cell(m, r => r.MessageRate, "F0")));
    Console.WriteLine(Row("accept latency p50, ms", m => Cell(m, r => r.P50, "F1")));
    Console.WriteLine(Row("accept latency p99, ms", m => Cell(m, r => r.P99, "F1")));
    Console.WriteLine(Row("CPU ms per submission, gateway and clients (this process)", m => Cell(m, r => r.CpuMs, "F2")));
    Console.WriteLine(Row("CPU ms per submission, PostgreSQL server processes", m => Cell(m, r => r.ServerCpuMs, "F2")));
    Console.WriteLine(Row("**CPU ms per submission, total**", m => Cell(m, r => r.CpuMs + r.ServerCpuMs, "F2")));
    Console.WriteLine(Row("machine CPU busy, % of both cores (everything running)", m => Cell(m, r => r.MachineBusy * 100, "F0")));
    Console.WriteLine(Row("CJIT pushes delivered per second", m => Cell(m, r => r.PushRate, "F0")));
    Console.WriteLine(Row("audit entries per submission", m => Cell(m, r => r.AuditEntries / (double)r.Count, "F1")));
    Console.WriteLine(Row("outbox totals balance and equal the messages accepted", m => $"yes, {runs[m].Count} of {runs[m].Count} rounds ({runs[m].Sum(r => r.Totals.Accepted):N0} messages)"));
    var baseline = Median(runs[modes[0]].Select(r => r.Rate));
    Console.WriteLine(Row($"throughput against {Name(modes[0])} (medians)", m => $"{Median(runs[m].Select(r => r.Rate)) / baseline:F2}x"));
    Console.WriteLine(Row($"the same, median of the {rounds} rounds' ratios", m => $"{Median(runs[m].Zip(runs[modes[0]], (a, b) => a.Rate / b.Rate)):F2}x"));
    Console.WriteLine(Row("methods JIT-compiled while measuring (tiering still settling if large)", m => Cell(m, r => r.Jitted, "F0")));
    Console.WriteLine($"{(distinctPeople ? "A distinct person" : "One and the same person")} in every submission; CJIT pushes delivered during the runs: {pushed}");
}

static string Name(StorageMode mode) => mode switch
{
    StorageMode.Sqlite => "SQLite",
    StorageMode.Pg1 => "PostgreSQL, 1 instance",
    _ => "PostgreSQL, 2 instances",
};

// Submits one body, insists on the 202, and returns how many messages it names.
static async Task<long> Submit(GatewayClient client, byte[] body) => MessagesIn(await client.SubmitAsync(body).ConfigureAwait(false));

static long MessagesIn(GatewayResponse response)
{
    if (response.Status != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"HTTP {(int)response.Status}: {response.Text}");
    }

    using var answer = JsonDocument.Parse(response.Body);
    return answer.RootElement.GetProperty("messages").EnumerateArray().Count(m => m.TryGetProperty("messageId", out _));
}

static (List<string> Positional, List<StorageMode>? Storage, bool DistinctPeople) ParseArguments(string[] args)
{
    var positional = new List<string>();
    List<StorageMode>? storage = null;
    string? people = null;
    for (var i = 0; i < args.Length; i++)
    {
        if (Option(args, ref i, "--storage") is { } list)
        {
            storage = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).SelectMany(name => name.ToUpperInvariant() switch
            {
                "ALL" => (StorageMode[])[StorageMode.Sqlite, StorageMode.Pg1, StorageMode.Pg2],
                "SQLITE" => [StorageMode.Sqlite],
                "PG1" => [StorageMode.Pg1],
                "PG2" => [StorageMode.Pg2],
                _ => throw new ArgumentException($"--storage: '{name}' is not sqlite, pg1, pg2 or all"),
            }).Distinct()];
            if (storage.Count == 0)
            {
                throw new ArgumentException("--storage needs a list: sqlite,pg1,pg2 or all");
            }
        }
        else if (Option(args, ref i, "--people") is { } value)
        {
            people = value is "one" or "distinct" ? value : throw new ArgumentException($"--people: '{value}' is not one or distinct");
        }
        else
        {
            positional.Add(args[i]);
        }
    }

    // The audit comparison keeps its one person (its published figures were measured so); the storage comparison
    // gives every submission its own person, as real traffic has (see bench/README.md for what one person costs).
    return (positional, storage, (people ?? (storage is null ? "one" : "distinct")) == "distinct");
}

// The value of "--name VALUE" or "--name=VALUE" at args[i] (moving i past it), or null when args[i] is something else.
static string? Option(string[] args, ref int i, string name)
{
    if (args[i] == name)
    {
        return ++i < args.Length ? args[i] : throw new ArgumentException($"{name} needs a value");
    }

    return args[i].StartsWith(name + "=", StringComparison.Ordinal) ? args[i][(name.Length + 1)..] : null;
}

byte[] Body()
{
    var json = JsonNode.Parse(example)!.AsObject();
    json["submissionId"] = Guid.NewGuid().ToString();
    if (distinctPeople)
    {
        var (nhs, prison) = Person(Interlocked.Increment(ref person));
        var client = json["dir"]!["client"]!.AsObject();
        client["nhsNumber"] = nhs;
        client["prisonNumber"] = prison;
    }

    return Encoding.UTF8.GetBytes(json.ToJsonString());
}

// The n-th made-up person: a valid NHS number (modulus 11) and prison number, distinct for every n.
static (string Nhs, string Prison) Person(int n)
{
    for (var candidate = 400_000_000L + (n * 2L); ; candidate++)
    {
        var digits = candidate.ToString(CultureInfo.InvariantCulture);
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (digits[i] - '0') * (10 - i);
        }

        var check = (11 - (sum % 11)) % 11;
        if (check != 10)
        {
            var letters = n / 10_000;
            return (digits + (char)('0' + check), $"{(char)('A' + (letters / 676 % 26))}{n % 10_000:D4}{(char)('A' + (letters / 26 % 26))}{(char)('A' + (letters % 26))}");
        }
    }
}

static double MeasureOpenSsl(string certs, string example, double seconds)
{
    var work = Directory.CreateTempSubdirectory("exg-bench-openssl-").FullName;
    var bundle = Path.Combine(work, "bundle.json");
    File.WriteAllText(bundle, example);
    var count = 0;
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                "set -o pipefail; openssl cms -sign -binary -nodetach -outform DER -signer \"$1/gateway.crt\" -inkey \"$1/gateway.key\" -in \"$2\""
                + " | openssl cms -encrypt -aes-256-gcm -binary -outform DER -recip \"$1/B86030.crt\" -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -out \"$3\"",
                "openssl-bench", certs, bundle, Path.Combine(work, "package.der"),
            },
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("openssl failed: " + process.StandardError.ReadToEnd());
        }

        count++;
    }

    var rate = count / clock.Elapsed.TotalSeconds;
    Directory.Delete(work, recursive: true);
    return rate;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ExchangeGateway.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository");
}

/// <summary>One measured round: CPU per submission in ms, machine busy as a share of both cores, packages per second from the 202s, methods JIT-compiled meanwhile.</summary>
internal sealed record Run(
    double Rate, double P50, double P99, long Count, long AuditEntries, double CpuMs, double PushRate, double ServerCpuMs, double MachineBusy, double MessageRate, OutboxTotals Totals, long Jitted);

/// <summary>Where the measured gateways keep their data.</summary>
internal enum StorageMode
{
    Sqlite,
    Pg1,
    Pg2,
}

/// <summary>The throwaway PostgreSQL server and its postmaster's process id (for its CPU time).</summary>
internal sealed record Server(PostgresCluster Cluster, int Postmaster)
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

/// <summary>The machine's CPU counters from /proc/stat (all cores, everything running on them).</summary>
internal sealed record MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal: idle and iowait are the time no one used.
        var total = ticks.Sum();
        return new MachineCpu(total - ticks[3] - ticks[4], total);
    }

    /// <summary>The share of all cores' time that was busy since <paramref name="before"/>.</summary>
    public double BusyShareSince(MachineCpu before) => (Busy - before.Busy) / (double)(Total - before.Total);
}

