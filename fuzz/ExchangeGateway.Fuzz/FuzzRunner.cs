using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using CsCheck;

namespace ExchangeGateway.Fuzz;

/// <summary>What one target's run did.</summary>
internal sealed record TargetReport(string Target, long Inputs, long Failures, IReadOnlyList<string> DistinctFailures, TimeSpan Elapsed, TimeSpan Slowest)
{
    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <summary>
/// Runs a target over generated inputs: each worker has its own target instance and its own CsCheck PCG stream
/// (from the run seed, the target's name and the worker number), so a run is repeatable for a seed and worker count.
/// A failing input is written to the failures folder with its exception, the first few of each kind of failure.
/// </summary>
internal static class FuzzRunner
{
    // Enough examples of each distinct failure to see the pattern, without filling the disk when one bug fires a million times.
    private const int ExamplesPerFailure = 3;

    public static TargetReport Run(Corpus corpus, string target, long inputs, ulong seed, int workers, string? failuresFolder)
    {
        var create = FuzzTarget.All.Single(t => t.Name == target).Create;
        var failures = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long failed = 0;
        long slowestTicks = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            var count = inputs / workers + (worker < inputs % workers ? 1 : 0);
            using var instance = create(corpus);
            var pcg = new PCG(StreamOf(target, worker), seed);
            var edits = Mutations.For(instance.Shape);
            var timer = new Stopwatch();
            for (long i = 0; i < count; i++)
            {
                var seedIndex = (int)pcg.Next((uint)instance.Seeds.Count);
                var script = edits.Generate(pcg, null, out _);
                var input = Mutations.Apply(instance.Seeds[seedIndex], script);
                timer.Restart();
                try
                {
                    instance.Run(input);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failed);
                    var signature = Signature(ex);
                    var seen = failures.AddOrUpdate(signature, 1, (_, n) => n + 1);
                    if (failuresFolder is not null && seen <= ExamplesPerFailure)
                    {
                        Record(failuresFolder, target, signature, input, ex, seedIndex, script);
                    }
                }

                var elapsed = timer.ElapsedTicks;
                if (elapsed > Interlocked.Read(ref slowestTicks))
                {
                    Interlocked.Exchange(ref slowestTicks, elapsed);
                }
            }
        });
        return new TargetReport(target, inputs, failed, [.. failures.Select(f => $"{f.Value} x {f.Key}").Order(StringComparer.Ordinal)], clock.Elapsed, TimeSpan.FromSeconds((double)slowestTicks / Stopwatch.Frequency));
    }

    /// <summary>
    /// The exception type, the innermost frame, and the innermost frame of the product's code: one line per distinct bug.
    /// </summary>
    public static string Signature(Exception ex)
    {
        var frames = new StackTrace(ex, fNeedFileInfo: false).GetFrames()
            .Select(f => f.GetMethod())
            .Where(m => m?.DeclaringType?.Namespace is { } ns && !ns.StartsWith("ExchangeGateway.Fuzz", StringComparison.Ordinal))
            .Select(m => (Namespace: m!.DeclaringType!.Namespace!, Name: $"{m.DeclaringType.FullName}.{m.Name}"))
            .ToList();
        var innermost = frames.FirstOrDefault().Name ?? "?";
        var ours = frames.FirstOrDefault(f => f.Namespace.StartsWith("ExchangeGateway.", StringComparison.Ordinal)).Name;
        var where = ours is null || ours == innermost ? innermost : $"{innermost} in {ours}";
        var message = ex is UnexpectedOutcomeException ? $": {FirstLine(ex.Message)}" : "";
        return $"{ex.GetType().FullName} at {where}{message}";
    }

    // Some edits carry 70 KB strings; the input file has them in full.
    private static string Shorten(string text) => text.Length <= 300 ? text : $"{text[..300]}... ({text.Length} characters)";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    // Stable across runs and platforms (string.GetHashCode is randomised per process).
    private static uint StreamOf(string target, int worker) =>
        BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes($"{target}/{worker}"))) | 1;

    private static void Record(string folder, string target, string signature, byte[] input, Exception ex, int seedIndex, Edit[] script)
    {
        Directory.CreateDirectory(folder);
        var name = $"{target}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}";
        File.WriteAllBytes(Path.Combine(folder, name + ".bin"), input);
        File.WriteAllText(Path.Combine(folder, name + ".txt"), $"""
            target: {target}
            failure: {signature}
            seed input: {seedIndex}
            edits: {string.Join("; ", script.Select(e => Shorten(e.ToString())))}

            {ex}
            """);
    }
}
