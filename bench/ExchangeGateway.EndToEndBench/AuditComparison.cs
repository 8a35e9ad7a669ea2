using static ExchangeGateway.EndToEndBench.Statistics;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// The default mode: the gateway as shipped against the same gateway with audit recording off, alternating rounds, to
/// show what auditing costs; and the same documents sealed by <c>openssl cms</c> as the outside reference, measured in
/// every round beside the gateway's, since the peer's rate moves with the machine as much as the gateway's does.
/// </summary>
internal static class AuditComparison
{
    private const int MaxWarmUpPairs = 6;
    private const long SettledJitCount = 400;

    public static async Task RunAsync(BenchContext bench)
    {
        var (certs, bodies, receiver, arguments) = bench;
        var (seconds, concurrency, rounds) = (arguments.Seconds, arguments.Clients, arguments.Rounds);

        // Discarded warm-up rounds, one of each, until tiered JIT has settled: on this 2-core machine it keeps
        // recompiling in the background (thousands of methods after the first rounds), which otherwise makes the first
        // measured round the slowest, whichever side it is. Each new gateway compiles a couple of hundred methods of its
        // own (its endpoints' delegates), hence the threshold; at most six pairs.
        var warmUps = 0;
        for (var settled = false; !settled && warmUps < MaxWarmUpPairs; warmUps++)
        {
            var on = await ClosedLoop.MeasureAsync(bench, true).ConfigureAwait(false);
            var off = await ClosedLoop.MeasureAsync(bench, false).ConfigureAwait(false);
            Console.Error.WriteLine($"warm-up {warmUps + 1}: {on.Rate:F1}/s and {off.Rate:F1}/s, {on.Jitted} and {off.Jitted} methods JIT-compiled");
            settled = Math.Max(on.Jitted, off.Jitted) < SettledJitCount;
        }

        var audited = new List<Run>();
        var unaudited = new List<Run>();
        var references = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate the order so drift in the machine's load falls on both sides.
            foreach (var withAudit in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var run = await ClosedLoop.MeasureAsync(bench, withAudit).ConfigureAwait(false);
                (withAudit ? audited : unaudited).Add(run);
                Console.Error.WriteLine($"round {round + 1}, audit {(withAudit ? "on " : "off")}: {run.Rate:F1}/s, p50 {run.P50:F1} ms, p99 {run.P99:F1} ms, {run.AuditEntries} audit entries, {run.CpuMs:F2} ms CPU per submission, {run.PushRate:F0} pushes/s");
            }

            references.Add(OpenSslReference.PackagesPerSecond(certs, bodies.Example, Math.Min(seconds, 5)));
            Console.Error.WriteLine($"round {round + 1}, openssl: {references[^1]:F1} packages/s");
        }

        var best = audited.OrderByDescending(r => r.Rate).First();
        var medianOn = Median(audited.Select(r => r.Rate));
        var medianOff = Median(unaudited.Select(r => r.Rate));
        var cpuOn = Median(audited.Select(r => r.CpuMs));
        var cpuOff = Median(unaudited.Select(r => r.CpuMs));
        var reference = Median(references);
        var perSubmission = reference / 3;
        var ratios = audited.Zip(references, (on, peer) => on.Rate / (peer / 3)).ToList();

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
        Console.WriteLine($"| openssl cms sign \\| encrypt, one process pair per package (median of {rounds} × {Math.Min(seconds, 5):0} s, one after each round) | {reference:F1} packages/s ({references.Min():F1}–{references.Max():F1}) |");
        Console.WriteLine($"| openssl reference per submission (3 packages) | {perSubmission:F1}/s |");
        Console.WriteLine($"| **ratio gateway (audited) / openssl reference** (medians) | **{medianOn / perSubmission:F1}x** |");
        Console.WriteLine($"| the same, median of the {rounds} rounds' ratios (min–max) | {Median(ratios):F1}x ({ratios.Min():F1}–{ratios.Max():F1}) |");
        Console.WriteLine($"| CJIT pushes delivered during the runs | {receiver.Pushed} |");
        Console.WriteLine($"| discarded warm-up pairs (until a round JIT-compiled fewer than {SettledJitCount} methods) | {warmUps} |");
        Console.WriteLine($"| methods JIT-compiled in a measured round (median) | {Median(audited.Concat(unaudited).Select(r => (double)r.Jitted)):F0} |");
    }
}
