using System.Diagnostics;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// One closed-loop measurement: N clients each submit, wait for the 202, and submit again, for the given seconds.
/// This gives throughput; its latency hides stalls (a client waiting on a slow answer sends nothing meanwhile), which
/// is what the open-loop mode is for.
/// </summary>
internal static class ClosedLoop
{
    private const int WarmUpSubmissions = 30;

    public static async Task<Run> MeasureAsync(BenchContext bench, bool withAudit, StorageMode storage = StorageMode.Sqlite, PostgresServer? server = null)
    {
        var (certs, bodies, receiver, arguments) = bench;
        bodies.Restart();
        await using var gateway = await GatewayUnderTest.StartAsync(certs, withAudit, storage, server).ConfigureAwait(false);
        var addresses = gateway.Addresses;

        // Messages named in the 202 answers, warm-up included: what the outbox must hold afterwards.
        long acceptedMessages = 0;
        foreach (var address in addresses)
        {
            using var warm = new GatewayClient(address, TlsIdentity.Load(certs, "HLI", TimeProvider.System));
            for (var i = 0; i < WarmUpSubmissions / addresses.Count; i++)
            {
                acceptedMessages += await SubmissionAnswer.SubmitAsync(warm, bodies.Next()).ConfigureAwait(false);
            }
        }

        var latencies = new List<double>();
        long measuredMessages = 0;
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverBefore = server is null ? 0 : ServerCpu.Milliseconds(server.Postmaster);
        var machineBefore = MachineCpu.Read();
        var pushedBefore = receiver.Pushed;
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(arguments.Seconds);
        await Task.WhenAll(Enumerable.Range(0, arguments.Clients).Select(async c =>
        {
            // Clients split evenly between the instances, as a round-robin load balancer would.
            using var client = new GatewayClient(addresses[c % addresses.Count], TlsIdentity.Load(certs, "HLI", TimeProvider.System));
            var mine = new List<double>();
            long messages = 0;
            while (clock.Elapsed < deadline)
            {
                var body = bodies.Next();
                var started = Stopwatch.GetTimestamp();
                var response = await client.SubmitAsync(body).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                messages += SubmissionAnswer.MessagesIn(response);
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
        var pushRate = (receiver.Pushed - pushedBefore) / elapsed;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        latencies.Sort();
        var entries = gateway.AuditEntries;
        var totals = gateway.CheckOutbox(acceptedMessages, storage.ToString());
        var submissions = latencies.Count + WarmUpSubmissions;
        return new Run(
            latencies.Count / elapsed, Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.99), submissions, entries, cpu, pushRate, serverCpu, busy,
            measuredMessages / elapsed, totals, jitted)
        {
            GroupedShare = gateway.Store is SqliteStore sqlite ? sqlite.Grouped.Units / (double)submissions : 0,
        };
    }
}

/// <summary>One measured round: CPU per submission in ms, machine busy as a share of both cores, packages per second from the 202s, methods JIT-compiled meanwhile.</summary>
internal sealed record Run(
    double Rate, double P50, double P99, long Count, long AuditEntries, double CpuMs, double PushRate, double ServerCpuMs, double MachineBusy, double MessageRate, OutboxTotals Totals, long Jitted)
{
    /// <summary>Units of work committed in a group with others (accepts, push claims, delivery results: SQLite's group commit), per accept.</summary>
    public double GroupedShare { get; init; }
}
