using ExchangeGateway.Storage.Sqlite;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ExchangeGateway.Cli;
using ExchangeGateway.Http;
using Xunit.Abstractions;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The gateway process killed with SIGKILL at random moments while 200 submissions arrive: nothing accepted is lost.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Submissions = 200;
    private const int MaxKills = 6;
    private static readonly Lock LogLock = new();

    [Fact]
    public async Task Every_accepted_message_is_delivered_under_its_original_id_despite_SIGKILLs()
    {
        using var agencies = WireMockServer.Start();
        agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(20)));
        var folder = Directory.CreateTempSubdirectory("exg-crash-test-").FullName;
        var port = FreePort();
        var directory = await WriteDirectory(folder, agencies.Url!);
        var log = Path.Combine(folder, "gateway.log");
        var address = new Uri($"https://127.0.0.1:{port}/");
        string[] args =
        [
            "--urls", $"https://127.0.0.1:{port}", "--data", Path.Combine(folder, "data"), "--agencies", directory, "--certs", GatewayUnderTest.Certs,
            "--Gateway:RetryMin", "00:00:00.200", "--Gateway:RetryMax", "00:00:01", "--Gateway:PollInterval", "00:00:00.100",
        ];

        var process = await Start(args, log, address);
        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var toAnswer = new ConcurrentQueue<(string MessageId, string Recipient)>();
        var answered = new ConcurrentDictionary<string, (string Outcome, string? Notice)>(StringComparer.Ordinal);
        var kills = 0;
        try
        {
            var bodies = Enumerable.Range(0, Submissions).Select(Body).ToList();
            var next = -1;
            var sending = Enumerable.Range(0, 4).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                {
                    var (sender, body) = bodies[i];
                    foreach (var (messageId, recipient) in await SubmitUntilAnswered(address, sender, body))
                    {
                        accepted[messageId] = recipient;
                        if (sender == "BMI")
                        {
                            toAnswer.Enqueue((messageId, recipient));
                        }
                    }
                }
            }).ToList();

            // The receiving prisons answer each transfer while the kills go on: every fourth is rejected, which seals a notice to BMI.
            var submitting = Task.WhenAll(sending);
            var answering = Task.Run(async () =>
            {
                var n = 0;
                while (!submitting.IsCompleted || !toAnswer.IsEmpty)
                {
                    if (!toAnswer.TryDequeue(out var message))
                    {
                        await Task.Delay(20);
                        continue;
                    }

                    var outcome = n++ % 4 == 0 ? "rejected" : "accepted";
                    answered[message.MessageId] = (outcome, await RespondUntilAnswered(address, message.Recipient, message.MessageId, outcome));
                }
            });
            sending.Add(answering);

            // Kill at random moments while submissions are arriving, a few times, leaving the restarted process long
            // enough to warm up and accept work (a cold start is ~1 s), so the test proves durability, not patience.
            var random = new Random(20261122);
            while (kills < MaxKills && !sending.All(t => t.IsCompleted))
            {
                await Task.WhenAny(Task.WhenAll(sending), Task.Delay(random.Next(500, 2500)));
                if (sending.All(t => t.IsCompleted))
                {
                    break;
                }

                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
                kills++;
                process = await Start(args, log, address);
            }

            await Task.WhenAll(sending);
            foreach (var (_, (_, notice)) in answered)
            {
                if (notice is not null)
                {
                    accepted[notice] = "BMI";
                }
            }

            var pushed = accepted.Where(a => a.Value is not ("B86030" or "CTP-FWDLEEDS")).ToList();
            await GatewayUnderTest.Eventually(
                () => { var seen = SeenIds(agencies); return pushed.All(p => seen.Contains(p.Key)); },
                TimeSpan.FromSeconds(60),
                $"all {pushed.Count} pushed messages after {kills} kills (log: {log})");

            // Seen by an agency is not yet recorded as delivered: wait for that too, so the restart below has nothing left to
            // push and its start checkpoint is the trail's head when it is killed.
            using (var watching = SqliteStore.Open(Path.Combine(folder, "data", DatabaseLocation.SqliteFileName), TimeProvider.System))
            {
                await GatewayUnderTest.Eventually(
                    () => watching.Snapshot(tx => tx.Admin.List(MessageStatus.Queued, 10_000)).All(m => m.Channel == "mailbox"),
                    TimeSpan.FromSeconds(60),
                    $"every push recorded as delivered (log: {log})");
            }

            var seen = SeenIds(agencies);
            Assert.All(seen, id => Assert.True(accepted.ContainsKey(id), $"pushed {id}, which was never accepted"));
            foreach (var mailbox in new[] { "B86030", "CTP-FWDLEEDS" })
            {
                using var client = new GatewayClient(address, TlsIdentity.Load(GatewayUnderTest.Certs, mailbox, TimeProvider.System));
                var listed = JsonNode.Parse((await client.MailboxAsync()).Text)!["messages"]!.AsArray().Select(m => m!["messageId"]!.GetValue<string>()).ToHashSet();
                Assert.All(accepted.Where(a => a.Value == mailbox), a => Assert.Contains(a.Key, listed));
            }

            output.WriteLine($"{Submissions} submissions, {accepted.Count} messages accepted, {kills} SIGKILLs, {seen.Count} distinct message ids pushed");
            Assert.True(kills >= 2, $"only {kills} kills happened");
            Assert.True(accepted.Count >= Submissions, $"{accepted.Count} messages accepted");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        using (var store = SqliteStore.Open(Path.Combine(folder, "data", DatabaseLocation.SqliteFileName), TimeProvider.System))
        {
            var totals = store.InTransaction(tx => tx.Admin.Totals());
            Assert.True(totals.Balances, totals.ToString());
            Assert.Equal(accepted.Count, totals.Accepted);

            // Every answer stored once, as given, with the one notice its caller was told of; no notice queued twice.
            Assert.True(answered.Count >= Submissions / 2, $"{answered.Count} answers");
            foreach (var (messageId, (outcome, notice)) in answered)
            {
                var stored = store.Snapshot(tx => tx.Responses.Find(messageId));
                Assert.NotNull(stored);
                Assert.Equal((outcome, notice), (stored.Outcome, stored.NoticeMessageId));
            }

            var notices = store.Snapshot(tx => tx.Admin.List(null, 10_000)).Count(m => m.Recipient == "BMI");
            Assert.Equal(answered.Values.Count(a => a.Notice is not null), notices);
        }

        // Killed mid-write six times, the audit trail still verifies, and the processes logged nobody's data. The last
        // kill can leave entries no checkpoint signs yet: as it stands only the lenient check passes for certain; once
        // restarted (it signs the unsigned head at start) and stopped as a service manager stops it (it signs whatever its
        // own retries appended on the way out), the strict check passes.
        string[] verify = ["audit", "verify", "--data", Path.Combine(folder, "data"), "--certs", GatewayUnderTest.Certs];
        var (killedExit, killedReport) = Exg([.. verify, "--allow-unsigned-tail"]);
        Assert.True(killedExit == 0, killedReport);
        await Stop(await Start(args, log, address));
        var (restartedExit, restartedReport) = Exg(verify);
        Assert.True(restartedExit == 0, restartedReport);
        Assert.DoesNotContain("not covered", restartedReport, StringComparison.Ordinal);
        LogCapture.AssertNoPersonalData(File.ReadAllText(log), "the killed and restarted gateway processes");

        Directory.Delete(folder, recursive: true);
    }

    internal static (int Exit, string Report) Exg(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExgCommandLine.Run(args, output, error);
        return (exit, output.ToString() + error);
    }

    private static HashSet<string> SeenIds(WireMockServer agencies) =>
        [.. agencies.LogEntries.Select(e => e.RequestMessage.Headers!["X-Message-Id"].ToString())];

    internal static (string Sender, byte[] Body) Body(int i) => (i % 2) switch
    {
        0 => ("HLI", Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = $"00000000-0000-4000-8000-{i:D12}")),
        _ => ("BMI", Examples.Variant(Examples.Transfer, j =>
        {
            j["submissionId"] = $"00000000-0000-4000-8000-{i:D12}";
            j["event"]!["to"] = (i % 3) switch { 0 => "SFI", 1 => "NHI", _ => "LPI" };
        })),
    };

    /// <summary>Submits until the gateway answers (a killed gateway answers nothing; the same body again is idempotent).</summary>
    internal static Task<List<(string MessageId, string Recipient)>> SubmitUntilAnswered(Uri address, string sender, byte[] body) =>
        SubmitUntilAnswered([address], sender, body);

    /// <summary>Submits until one of the addresses answers, trying the next after a failure, as a load balancer would.</summary>
    internal static async Task<List<(string MessageId, string Recipient)>> SubmitUntilAnswered(IReadOnlyList<Uri> addresses, string sender, byte[] body)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new GatewayClient(addresses[attempt % addresses.Count], TlsIdentity.Load(GatewayUnderTest.Certs, sender, TimeProvider.System), TimeSpan.FromSeconds(20));
                var response = await client.SubmitAsync(body);
                Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
                return [.. JsonNode.Parse(response.Text)!["messages"]!.AsArray()
                    .Where(m => m!["messageId"] is not null)
                    .Select(m => (m!["messageId"]!.GetValue<string>(), m["recipient"]!.GetValue<string>()))];
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    // Answers until the gateway answers 200: after a kill the same answer again is idempotent, so it is applied once.
    private static async Task<string?> RespondUntilAnswered(Uri address, string agency, string messageId, string outcome)
    {
        var body = new JsonObject { ["outcome"] = outcome, ["by"] = new JsonObject { ["name"] = "Dr A Khan", ["role"] = "Prescriber" } };
        if (outcome == "rejected")
        {
            body["reason"] = "No bed in the healthcare unit";
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            try
            {
                using var client = new GatewayClient(address, TlsIdentity.Load(GatewayUnderTest.Certs, agency, TimeProvider.System), TimeSpan.FromSeconds(20));
                var response = await client.RespondAsync(messageId, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
                Assert.True(response.Status == HttpStatusCode.OK, response.Text);
                return JsonNode.Parse(response.Text)!["noticeMessageId"]?.GetValue<string>();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops a gateway as a service manager does (SIGTERM), so it signs its audit head on the way out.</summary>
    internal static async Task Stop(Process process)
    {
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
        process.Dispose();
    }

    internal static async Task<Process> Start(string[] args, string log, Uri address)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(GatewayDll());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        // Appended line by line under a lock: the process may be killed while its output is still being read.
        void Append(string? line)
        {
            if (line is not null)
            {
                lock (LogLock)
                {
                    File.AppendAllText(log, line + Environment.NewLine);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Ready when /healthz answers; certificate validation stays on (the dev CA is checked by our trust store).
        using var probe = new HttpClient(TlsIdentity.Load(GatewayUnderTest.Certs, "HLI", TimeProvider.System).Handler(TimeSpan.FromSeconds(2))) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the gateway exited with {process.ExitCode}; see {log}");
            }

            try
            {
                if ((await probe.GetAsync("healthz")).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"the gateway did not start in 30 s; see {log}");
    }

    internal static string GatewayDll()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "gateway.runtimeconfig.json")))
        {
            return local;
        }

        throw new FileNotFoundException("gateway.dll and gateway.runtimeconfig.json are expected beside the tests (project reference)");
    }

    internal static async Task<string> WriteDirectory(string folder, string pushBase)
    {
        var agencies = new JsonArray();
        foreach (var (id, type) in GatewayUnderTest.DemoAgencies)
        {
            var entry = new JsonObject { ["id"] = id, ["type"] = type, ["name"] = id };
            if (type is "prison" or "cjit")
            {
                entry["endpoint"] = $"{pushBase.TrimEnd('/')}/agencies/{id}";
            }

            agencies.Add(entry);
        }

        var path = Path.Combine(folder, "agencies.json");
        await File.WriteAllTextAsync(path, new JsonObject { ["agencies"] = agencies }.ToJsonString());
        return path;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
