using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Gateway;
using ExchangeGateway.Http;

// End-to-end benchmark: submissions per second and accept latency through the real gateway on loopback (mutual TLS,
// intake, routing, consent, minimisation, mapping, sealing, one SQLite transaction with synchronous=FULL), against
// the same documents sealed by `openssl cms` one process pair per message in the same run.
var root = RepositoryRoot();
var certs = Path.Combine(root, "certs-dev");
var example = File.ReadAllText(Path.Combine(root, "tests", "ExchangeGateway.TestData", "examples", "release-ost.json"));
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
var work = Directory.CreateTempSubdirectory("exg-bench-").FullName;
var gatewayArgs = new[]
{
    "--urls", "https://127.0.0.1:0", "--data", Path.Combine(work, "data"), "--certs", certs,
    "--log-level", "Warning",
};

// Release submissions go to the GP and provider mailboxes and are pushed to the CJIT, whose endpoint in the embedded
// development directory is 127.0.0.1:8480: a minimal receiver answers 200 there, so delivery runs during the measurement.
using var receiver = new HttpListener();
receiver.Prefixes.Add("http://127.0.0.1:8480/");
receiver.Start();
var pushed = 0;
_ = Task.Run(async () =>
{
    while (receiver.IsListening)
    {
        try
        {
            var context = await receiver.GetContextAsync().ConfigureAwait(false);
            await context.Request.InputStream.CopyToAsync(Stream.Null).ConfigureAwait(false);
            context.Response.StatusCode = 200;
            context.Response.Close();
            Interlocked.Increment(ref pushed);
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            break;
        }
    }
});

await using var app = GatewayHost.Build(gatewayArgs);
await app.StartAsync().ConfigureAwait(false);
var address = new Uri(app.Urls.First() + "/");
using var client = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System));

byte[] Body()
{
    var json = JsonNode.Parse(example)!.AsObject();
    json["submissionId"] = Guid.NewGuid().ToString();
    return Encoding.UTF8.GetBytes(json.ToJsonString());
}

// Warm-up: JIT, TLS sessions, SQLite pages.
for (var i = 0; i < 50; i++)
{
    await client.SubmitAsync(Body()).ConfigureAwait(false);
}

var latencies = new List<double>();
var failures = 0;
var clock = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
var workers = Enumerable.Range(0, concurrency).Select(async _ =>
{
    using var own = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System));
    var mine = new List<double>();
    while (clock.Elapsed < deadline)
    {
        var body = Body();
        var started = Stopwatch.GetTimestamp();
        var response = await own.SubmitAsync(body).ConfigureAwait(false);
        mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (response.Status != HttpStatusCode.Accepted)
        {
            Interlocked.Increment(ref failures);
        }
    }

    lock (latencies)
    {
        latencies.AddRange(mine);
    }
}).ToList();
await Task.WhenAll(workers).ConfigureAwait(false);
var elapsed = clock.Elapsed.TotalSeconds;
await app.StopAsync().ConfigureAwait(false);

latencies.Sort();
double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
var rate = latencies.Count / elapsed;

// The reference: the same three documents per submission (CJIT, provider, GP), each sealed by openssl cms sign | encrypt.
var reference = MeasureOpenSsl(certs, work, example, Math.Min(seconds, 5));
var perSubmission = reference / 3;

Console.WriteLine($"| measure | value |");
Console.WriteLine($"|---|---:|");
Console.WriteLine($"| gateway: submissions accepted (202) per second, {concurrency} concurrent clients, {elapsed:F1} s | {rate:F1}/s |");
Console.WriteLine($"| gateway: packages sealed and stored per second (3 recipients per submission) | {rate * 3:F1}/s |");
Console.WriteLine($"| gateway: accept latency p50 | {Percentile(0.50):F1} ms |");
Console.WriteLine($"| gateway: accept latency p99 | {Percentile(0.99):F1} ms |");
Console.WriteLine($"| gateway: refused or failed | {failures} |");
Console.WriteLine($"| pushed to the CJIT receiver during the run | {pushed} |");
Console.WriteLine($"| openssl cms sign \\| encrypt, one process pair per package | {reference:F1} packages/s |");
Console.WriteLine($"| openssl reference per submission (3 packages) | {perSubmission:F1}/s |");
Console.WriteLine($"| ratio gateway / openssl reference (submissions) | {rate / perSubmission:F1}x |");
Directory.Delete(work, recursive: true);
return failures == 0 ? 0 : 1;

static double MeasureOpenSsl(string certs, string work, string example, double seconds)
{
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

    return count / clock.Elapsed.TotalSeconds;
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
