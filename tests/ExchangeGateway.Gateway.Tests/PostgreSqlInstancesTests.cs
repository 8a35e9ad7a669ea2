using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ExchangeGateway.Http;
using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.TestData;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit.Abstractions;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Two gateway processes on one PostgreSQL database, one of them SIGKILLed twice while 8 clients send 300 submissions.</summary>
public sealed class PostgreSqlInstancesTests(ITestOutputHelper output)
{
    private const int Submissions = 300;
    private const int Clients = 8;

    [Fact]
    public async Task Two_instances_on_one_database_deliver_every_accepted_message_once_at_a_time_and_keep_one_audit_chain()
    {
        var cluster = await PostgresCluster.Shared;
        var database = await cluster.CreateDatabaseAsync();
        var receiver = new PushReceiver();
        using var agencies = WireMockServer.Start();
        agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithCallback(receiver.Answer));
        var folder = Directory.CreateTempSubdirectory("exg-instances-test-").FullName;
        var directory = await CrashTests.WriteDirectory(folder, agencies.Url!);
        var log = Path.Combine(folder, "gateway.log");
        var (a, argsA, addressA) = await StartInstance(folder, "a", database, directory, log);

        // Every instance on one database holds the same person key (the gateway refuses to start with another).
        Directory.CreateDirectory(Path.Combine(folder, "b"));
        File.Copy(Path.Combine(folder, "a", "audit.key"), Path.Combine(folder, "b", "audit.key"));
        System.Diagnostics.Process b;
        string[] argsB;
        Uri addressB;
        try
        {
            (b, argsB, addressB) = await StartInstance(folder, "b", database, directory, log);
        }
        catch
        {
            // Not left running (it would hold what its parent held, the CI's build lock among them).
            a.Kill(entireProcessTree: true);
            throw;
        }

        var accepted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var kills = 0;
        try
        {
            var next = -1;
            var sending = Enumerable.Range(0, Clients).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < Submissions)
                {
                    // Spread over both, as a load balancer would; a refused connection tries the other instance.
                    var (sender, body) = CrashTests.Body(i);
                    Uri[] order = i % 2 == 0 ? [addressA, addressB] : [addressB, addressA];
                    foreach (var (messageId, recipient) in await CrashTests.SubmitUntilAnswered(order, sender, body))
                    {
                        accepted[messageId] = recipient;
                    }
                }
            }).ToList();

            var random = new Random(20261203);
            while (kills < 2 && !sending.All(t => t.IsCompleted))
            {
                await Task.WhenAny(Task.WhenAll(sending), Task.Delay(random.Next(1000, 2500)));
                if (sending.All(t => t.IsCompleted))
                {
                    break;
                }

                a.Kill(entireProcessTree: true);
                await a.WaitForExitAsync();
                a.Dispose();
                kills++;
                a = await CrashTests.Start(argsA, log, addressA);
            }

            await Task.WhenAll(sending);
            var pushed = accepted.Where(m => m.Value is not ("B86030" or "CTP-FWDLEEDS")).Select(m => m.Key).ToList();
            await GatewayUnderTest.Eventually(() => pushed.All(receiver.Seen.ContainsKey), TimeSpan.FromSeconds(90), $"all {pushed.Count} pushed messages (log: {log})");

            output.WriteLine($"{Submissions} submissions, {accepted.Count} messages accepted, {kills} SIGKILLs, {receiver.Seen.Count} distinct ids pushed, {receiver.Seen.Values.Sum()} pushes");
            Assert.Equal(2, kills);
            Assert.Empty(receiver.Overlaps);
            Assert.All(receiver.Seen.Keys, id => Assert.True(accepted.ContainsKey(id), $"pushed {id}, which was never accepted"));
            foreach (var mailbox in new[] { "B86030", "CTP-FWDLEEDS" })
            {
                using var client = new GatewayClient(addressB, TlsIdentity.Load(GatewayUnderTest.Certs, mailbox, TimeProvider.System));
                var listed = JsonNode.Parse((await client.MailboxAsync()).Text)!["messages"]!.AsArray().Select(m => m!["messageId"]!.GetValue<string>()).ToHashSet();
                Assert.All(accepted.Where(m => m.Value == mailbox), m => Assert.Contains(m.Key, listed));
            }
        }
        finally
        {
            foreach (var process in new[] { a, b })
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
        }

        using (var store = PostgreSqlStore.Open(database, TimeProvider.System))
        {
            var totals = store.InTransaction(tx => tx.Admin.Totals());
            Assert.True(totals.Balances, totals.ToString());
            Assert.Equal(accepted.Count, totals.Accepted);
        }

        // One chain across both instances and all the kills: lenient while the last kill's tail is unsigned, strict once
        // an instance has started again (signing it) and stopped cleanly (signing what its own retries appended meanwhile).
        string[] verify = ["audit", "verify", "--database", database, "--certs", GatewayUnderTest.Certs];
        var (lenientExit, lenientReport) = CrashTests.Exg([.. verify, "--allow-unsigned-tail"]);
        Assert.True(lenientExit == 0, lenientReport);
        await CrashTests.Stop(await CrashTests.Start(argsB, log, addressB));
        var (strictExit, strictReport) = CrashTests.Exg(verify);
        Assert.True(strictExit == 0, strictReport);
        LogCapture.AssertNoPersonalData(File.ReadAllText(log), "two gateway instances on PostgreSQL");

        // Each instance names its database in the log, never the password it logs in with.
        var password = new Npgsql.NpgsqlConnectionStringBuilder(database).Password!;
        Assert.Contains("Storage: PostgreSQL", File.ReadAllText(log), StringComparison.Ordinal);
        Assert.DoesNotContain(password, File.ReadAllText(log) + lenientReport + strictReport, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    // A port found free can be taken by another process before the gateway binds it (CI saw it): then another is tried.
    private static async Task<(System.Diagnostics.Process Process, string[] Args, Uri Address)> StartInstance(string folder, string name, string database, string directory, string log)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (args, address) = Instance(folder, name, database, directory);
            try
            {
                return (await CrashTests.Start(args, log, address), args, address);
            }
            catch (InvalidOperationException) when (attempt < 3 && File.ReadAllText(log).Contains($"127.0.0.1:{address.Port}: address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    private static (string[] Args, Uri Address) Instance(string folder, string name, string database, string directory)
    {
        var port = CrashTests.FreePort();
        return (
        [
            "--urls", $"https://127.0.0.1:{port}", "--data", Path.Combine(folder, name), "--database", database, "--agencies", directory, "--certs", GatewayUnderTest.Certs,
            "--Gateway:RetryMin", "00:00:00.200", "--Gateway:RetryMax", "00:00:01", "--Gateway:PollInterval", "00:00:00.100", "--Gateway:PushTimeout", "00:00:05",
        ], new Uri($"https://127.0.0.1:{port}/"));
    }

    /// <summary>An agency endpoint that notices a message pushed while a push of the same message is still in progress.</summary>
    private sealed class PushReceiver
    {
        private readonly ConcurrentDictionary<string, byte> inFlight = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, int> Seen { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> Overlaps { get; } = [];

        public ResponseMessage Answer(IRequestMessage request)
        {
            var id = request.Headers!["X-Message-Id"].ToString();
            if (!inFlight.TryAdd(id, 0))
            {
                Overlaps.Add(id);
            }

            // Long enough for a second push of the same message to land inside this one if two instances held it.
            Thread.Sleep(30);
            Seen.AddOrUpdate(id, 1, (_, n) => n + 1);
            inFlight.TryRemove(id, out _);
            return new ResponseMessage { StatusCode = 200 };
        }
    }
}
