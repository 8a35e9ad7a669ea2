using ExchangeGateway.TestData;
using static ExchangeGateway.EndToEndBench.Statistics;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// The storage comparison (<c>--storage</c>): the audited gateway on SQLite, on PostgreSQL as one instance, and as two
/// instances in this process sharing one database, in that order within each round, after two discarded warm-up rounds.
/// </summary>
internal static class StorageComparison
{
    public static async Task RunAsync(BenchContext bench, IReadOnlyList<StorageMode> modes)
    {
        await using var cluster = modes.Any(m => m is not (StorageMode.Sqlite or StorageMode.Sqlite1)) ? await PostgresCluster.StartAsync().ConfigureAwait(false) : null;
        var server = cluster is null ? null : new PostgresServer(cluster, ServerCpu.Postmaster(cluster.Port));
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
                var run = await ClosedLoop.MeasureAsync(bench, true, mode, server).ConfigureAwait(false);
                Console.Error.WriteLine($"warm-up {warmUp + 1}, {Name(mode)}: {run.Rate:F1}/s, {run.Jitted} methods JIT-compiled while measuring");
            }
        }

        var (seconds, concurrency, rounds) = (bench.Arguments.Seconds, bench.Arguments.Clients, bench.Arguments.Rounds);
        var runs = modes.ToDictionary(m => m, _ => new List<Run>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in modes)
            {
                var run = await ClosedLoop.MeasureAsync(bench, true, mode, server).ConfigureAwait(false);
                runs[mode].Add(run);
                Console.Error.WriteLine(
                    $"round {round + 1}, {Name(mode)}: {run.Rate:F1}/s, p50 {run.P50:F1} ms, p99 {run.P99:F1} ms, CPU {run.CpuMs:F2} + {run.ServerCpuMs:F2} ms per submission (gateway and clients + PostgreSQL), " +
                    $"machine {run.MachineBusy * 100:F0}% busy, {run.PushRate:F0} pushes/s, {run.AuditEntries / (double)run.Count:F1} audit entries per submission, {run.Jitted} methods JIT-compiled, outbox {run.Totals}");
            }
        }

        string Cell(StorageMode mode, Func<Run, double> measure, string format) => MedianWithSpread([.. runs[mode].Select(measure)], format);

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
        Console.WriteLine(Row("writes committed in a group with others (accepts, push claims and results; SQLite), per 100 accepts", m => Cell(m, r => r.GroupedShare * 100, "F0")));
        Console.WriteLine(Row("audit entries per submission", m => Cell(m, r => r.AuditEntries / (double)r.Count, "F1")));
        Console.WriteLine(Row("outbox totals balance and equal the messages accepted", m => $"yes, {runs[m].Count} of {runs[m].Count} rounds ({runs[m].Sum(r => r.Totals.Accepted):N0} messages)"));
        var baseline = Median(runs[modes[0]].Select(r => r.Rate));
        Console.WriteLine(Row($"throughput against {Name(modes[0])} (medians)", m => $"{Median(runs[m].Select(r => r.Rate)) / baseline:F2}x"));
        Console.WriteLine(Row($"the same, median of the {rounds} rounds' ratios", m => $"{Median(runs[m].Zip(runs[modes[0]], (a, b) => a.Rate / b.Rate)):F2}x"));
        Console.WriteLine(Row("methods JIT-compiled while measuring (tiering still settling if large)", m => Cell(m, r => r.Jitted, "F0")));
        Console.WriteLine($"{(bench.Bodies.DistinctPeople ? "A distinct person" : "One and the same person")} in every submission; CJIT pushes delivered during the runs: {bench.Receiver.Pushed}");
    }

    /// <summary>The mode as a column heading.</summary>
    internal static string Name(StorageMode mode) => mode switch
    {
        StorageMode.Sqlite => "SQLite",
        StorageMode.Sqlite1 => "SQLite, group commit off",
        StorageMode.Pg1 => "PostgreSQL, 1 instance",
        _ => "PostgreSQL, 2 instances",
    };
}
