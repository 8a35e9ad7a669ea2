using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Gateway;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.Extensions.DependencyInjection;

// End-to-end benchmark: submissions per second and accept latency through the real gateway on loopback (mutual TLS,
// intake, routing, consent, minimisation, mapping, sealing, one SQLite transaction with synchronous=FULL, audit
// entries in that transaction), against the same documents sealed by `openssl cms` one process pair per package in
// the same run; and the same gateway with audit recording off, alternating rounds, to show what auditing costs.
var root = RepositoryRoot();
var certs = Path.Combine(root, "certs-dev");
var example = File.ReadAllText(Path.Combine(root, "tests", "ExchangeGateway.TestData", "examples", "release-ost.json"));
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 6;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;

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

async Task<Run> Measure(bool withAudit)
{
    // Let the previous round's garbage and the page cache's write-back of its deleted database settle first, so that
    // neither side pays for the other.
    GC.Collect();
    GC.WaitForPendingFinalizers();
    await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
    var work = Directory.CreateTempSubdirectory("exg-bench-").FullName;
    string[] gatewayArgs = ["--urls", "https://127.0.0.1:0", "--data", Path.Combine(work, "data"), "--certs", certs, "--log-level", "Warning"];
    var app = GatewayHost.Build(gatewayArgs, withAudit ? null : services => services.AddSingleton(sp => new GatewayAudit(
        sp.GetRequiredService<IGatewayStore>(), sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>()) { Recording = false }));
    await app.StartAsync().ConfigureAwait(false);
    var address = new Uri(app.Urls.First() + "/");
    try
    {
        using (var warm = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System)))
        {
            for (var i = 0; i < 30; i++)
            {
                await warm.SubmitAsync(Body()).ConfigureAwait(false);
            }
        }

        var latencies = new List<double>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var pushedBefore = Volatile.Read(ref pushed);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var client = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System));
            var mine = new List<double>();
            while (clock.Elapsed < deadline)
            {
                var body = Body();
                var started = Stopwatch.GetTimestamp();
                var response = await client.SubmitAsync(body).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.Status != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"HTTP {(int)response.Status}: {response.Text}");
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / latencies.Count;
        latencies.Sort();
        double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
        var entries = app.Services.GetRequiredService<IGatewayStore>().InTransaction(tx => AuditLog.Head(tx.Audit))?.Seq ?? 0;
        return new Run(latencies.Count / elapsed, Percentile(0.5), Percentile(0.99), latencies.Count + 30, entries, cpu, (Volatile.Read(ref pushed) - pushedBefore) / elapsed);
    }
    finally
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        app.Services.GetRequiredService<IGatewayStore>().Dispose();
        Directory.Delete(work, recursive: true);
    }
}

byte[] Body()
{
    var json = JsonNode.Parse(example)!.AsObject();
    json["submissionId"] = Guid.NewGuid().ToString();
    return Encoding.UTF8.GetBytes(json.ToJsonString());
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

/// <summary>One measured round.</summary>
internal sealed record Run(double Rate, double P50, double P99, long Count, long AuditEntries, double CpuMs, double PushRate);
