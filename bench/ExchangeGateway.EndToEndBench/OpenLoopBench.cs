using System.Diagnostics;
using System.Globalization;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;
using static ExchangeGateway.EndToEndBench.Statistics;

namespace ExchangeGateway.EndToEndBench;

/// <summary>One open-loop measurement with the gateway's state around it.</summary>
/// <param name="PendingAfter">Outbox messages still pending once every answer is in (mailbox messages wait for a fetch).</param>
/// <param name="CjitQueuedAfter">Of those, the ones waiting for a push to a CJIT: the push backlog.</param>
/// <param name="GcPauseMs">Time this process spent paused for GC during the whole schedule (lead-in included).</param>
internal sealed record OpenLoopMeasurement(
    OpenLoopRun Run, long PendingAfter, long CjitQueuedAfter, string QueuedByAgency, double PushRate, double GcPauseMs, int Gen2Collections, double MachineBusy,
    int MaxPoolThreads, long MaxQueuedWorkItems, long Jitted)
{
    /// <summary>Units of work committed in a group with others (accepts, push claims, delivery results: SQLite's group commit), per accept.</summary>
    public double GroupedShare { get; init; }
}

/// <summary>
/// The open-loop latency mode (<c>--open-loop RATES</c>): for each rate, the audited gateway on SQLite receives one
/// request every 1/rate s for the measured seconds, after a lead-in at the same rate, and every latency is counted
/// from the request's intended send time. A discarded warm-up at the lowest rate comes first (tiered JIT).
/// </summary>
internal static class OpenLoopBench
{
    // Long enough for the fresh gateway's first connections and caches, and for the schedule to reach a steady state.
    private const double LeadInSeconds = 3;

    public static async Task RunAsync(BenchContext bench)
    {
        var arguments = bench.Arguments;
        // Each rate on each storage mode asked for (SQLite with group commit on, and off with "sqlite1"): the columns.
        var modes = arguments.Storage ?? [StorageMode.Sqlite];
        var columns = arguments.OpenLoopRates!.SelectMany(rate => modes.Select(mode => (Rate: rate, Mode: mode))).ToList();
        var warm = await MeasureAsync(bench, columns[0].Rate, modes[0], arguments.WarmUpSeconds, 0).ConfigureAwait(false);
        Console.Error.WriteLine($"warm-up {warm.Run.Rate:0}/s × {arguments.WarmUpSeconds:0} s (discarded): {Describe(warm)}");

        var runs = columns.ToDictionary(c => c, _ => new List<OpenLoopMeasurement>());
        for (var round = 0; round < arguments.Rounds; round++)
        {
            // Alternate the order so drift in the machine's load falls on every column.
            foreach (var column in round % 2 == 0 ? columns : Enumerable.Reverse(columns))
            {
                var measurement = await MeasureAsync(bench, column.Rate, column.Mode, arguments.Seconds, LeadInSeconds).ConfigureAwait(false);
                runs[column].Add(measurement);
                Console.Error.WriteLine($"round {round + 1}, {Heading(column, modes)}: {Describe(measurement)}");
                Console.Error.WriteLine($"  max latency in each second, ms: {measurement.Run.MaxPerSecond()}");
            }
        }

        string Row(string measure, Func<OpenLoopMeasurement, double> value, string format) =>
            $"| {measure} | {string.Join(" | ", columns.Select(column => MedianWithSpread([.. runs[column].Select(value)], format)))} |";

        Console.WriteLine($"| measure (median of {arguments.Rounds} rounds × {arguments.Seconds:0} s; min–max) | {string.Join(" | ", columns.Select(c => Heading(c, modes)))} |");
        Console.WriteLine($"|---|{string.Concat(columns.Select(_ => "---:|"))}");
        Console.WriteLine(Row("requests sent (due in the measured window)", m => m.Run.Sent, "F0"));
        Console.WriteLine(Row("answered 202", m => m.Run.Accepted, "F0"));
        Console.WriteLine(Row("errors (other status, reset, timeout)", m => m.Run.Errors, "F0"));
        Console.WriteLine(Row("achieved rate, 202s per second", m => m.Run.AchievedRate, "F1"));
        Console.WriteLine(Row("latency p50, ms", m => m.Run.P50, "F1"));
        Console.WriteLine(Row("latency p90, ms", m => m.Run.P90, "F1"));
        Console.WriteLine(Row("**latency p99, ms**", m => m.Run.P99, "F1"));
        Console.WriteLine(Row("latency p99.9, ms", m => m.Run.P999, "F1"));
        Console.WriteLine(Row("latency max, ms", m => m.Run.Max, "F1"));
        Console.WriteLine(Row("worst second's p50, ms", m => m.Run.WorstSecond.P50, "F1"));
        Console.WriteLine(Row("client late against the schedule, p99, ms (inside the latency)", m => m.Run.SendLagP99, "F1"));
        Console.WriteLine(Row("client late against the schedule, max, ms", m => m.Run.SendLagMax, "F1"));
        Console.WriteLine(Row("outbox pending after (mailbox messages wait for a fetch)", m => m.PendingAfter, "F0"));
        Console.WriteLine(Row("of which CJIT pushes still queued after", m => m.CjitQueuedAfter, "F0"));
        Console.WriteLine(Row("CJIT pushes delivered per second", m => m.PushRate, "F0"));
        Console.WriteLine(Row("GC pause during the schedule, ms", m => m.GcPauseMs, "F0"));
        Console.WriteLine(Row("gen-2 collections during the schedule", m => m.Gen2Collections, "F0"));
        Console.WriteLine(Row("machine CPU busy, % of both cores", m => m.MachineBusy * 100, "F0"));
        Console.WriteLine(Row("thread-pool threads, most seen", m => m.MaxPoolThreads, "F0"));
        Console.WriteLine(Row("methods JIT-compiled during the schedule", m => m.Jitted, "F0"));
        Console.WriteLine(Row("writes committed in a group with others (accepts, push claims and results), per 100 accepts", m => m.GroupedShare * 100, "F0"));
        Console.WriteLine($"Lead-in {LeadInSeconds:0} s at each rate and a {arguments.WarmUpSeconds:0} s warm-up at {columns[0].Rate:0}/s, discarded; a distinct person in every submission.");
    }

    private static string Heading((double Rate, StorageMode Mode) column, IReadOnlyList<StorageMode> modes) =>
        modes.Count == 1 ? $"{column.Rate:0}/s" : $"{column.Rate:0}/s, {StorageComparison.Name(column.Mode)}";

    private static async Task<OpenLoopMeasurement> MeasureAsync(BenchContext bench, double rate, StorageMode mode, double seconds, double leadInSeconds)
    {
        // Every body made before the gateway starts, so that making them costs the schedule nothing.
        bench.Bodies.Restart();
        var leadIn = (int)Math.Round(rate * leadInSeconds);
        var bodies = Enumerable.Range(0, leadIn + (int)Math.Round(rate * seconds)).Select(_ => bench.Bodies.Next()).ToList();

        await using var gateway = await GatewayUnderTest.StartAsync(bench.Certs, withAudit: true, mode).ConfigureAwait(false);
        using var client = new GatewayClient(gateway.Addresses[0], TlsIdentity.Load(bench.Certs, "HLI", TimeProvider.System));
        var pushedBefore = bench.Receiver.Pushed;
        var gcBefore = GC.GetTotalPauseDuration();
        var gen2Before = GC.CollectionCount(2);
        var machineBefore = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        var sampler = ProcessSampler.Start();
        var outcomes = await OpenLoopSchedule.RunAsync(client, bodies, rate).ConfigureAwait(false);
        await sampler.DisposeAsync().ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        var busy = MachineCpu.Read().BusyShareSince(machineBefore);
        var pushRate = (bench.Receiver.Pushed - pushedBefore) / elapsed;
        var run = OpenLoopRun.From(rate, outcomes, leadIn);

        // With no errors every answer is known, so the outbox must hold exactly what the 202s named; after an error
        // (a timeout may still have been accepted) it must at least balance.
        var totals = run.Errors == 0 && outcomes.All(o => o.Accepted)
            ? gateway.CheckOutbox(outcomes.Sum(o => o.Messages), $"open loop {rate:0}/s")
            : gateway.Store.InTransaction(tx => tx.Admin.Totals());
        if (!totals.Balances)
        {
            throw new InvalidOperationException($"open loop {rate:0}/s: outbox totals {totals} do not balance");
        }

        var agencies = gateway.Store.InTransaction(tx => tx.Admin.ByAgency());
        return new OpenLoopMeasurement(
            run,
            totals.Pending,
            agencies.Where(a => a.Agency.StartsWith("CJIT", StringComparison.Ordinal)).Sum(a => a.Queued),
            string.Join(", ", agencies.Where(a => a.Queued > 0).Select(a => $"{a.Agency} {a.Queued}")),
            pushRate,
            (GC.GetTotalPauseDuration() - gcBefore).TotalMilliseconds,
            GC.CollectionCount(2) - gen2Before,
            busy,
            sampler.MaxThreads,
            sampler.MaxQueuedWorkItems,
            sampler.Jitted)
        {
            GroupedShare = gateway.Store is SqliteStore sqlite ? sqlite.Grouped.Units / (double)Math.Max(1, run.Accepted + leadIn) : 0,
        };
    }

    private static string Describe(OpenLoopMeasurement m)
    {
        var r = m.Run;
        var worst = r.WorstSecond;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"sent {r.Sent}, 202 {r.Accepted}, errors {r.Errors}{(r.FirstError is null ? "" : $" (first: {r.FirstError})")}, achieved {r.AchievedRate:F1}/s, " +
            $"p50 {r.P50:F1} p90 {r.P90:F1} p99 {r.P99:F1} p99.9 {r.P999:F1} max {r.Max:F1} ms, client late p99 {r.SendLagP99:F1} max {r.SendLagMax:F1} ms, " +
            $"worst second {worst.Second} ({worst.Requests} answers, p50 {worst.P50:F1}, max {worst.Max:F1} ms), " +
            $"queued after: {m.QueuedByAgency}; {m.PushRate:F0} pushes/s, GC pause {m.GcPauseMs:F0} ms, gen-2 {m.Gen2Collections}, machine {m.MachineBusy * 100:F0}% busy, " +
            $"pool threads up to {m.MaxPoolThreads}, work items queued up to {m.MaxQueuedWorkItems}, {m.Jitted} methods JIT-compiled");
    }
}
