using System.Diagnostics;
using System.Globalization;

namespace ExchangeGateway.EndToEndBench;

/// <summary>The latencies of one second of an open-loop schedule (by intended send time), for finding a stall.</summary>
internal sealed record ScheduleSecond(int Second, int Requests, double P50, double Max);

/// <summary>
/// One open-loop measurement at a fixed rate, lead-in excluded: latency is answer time − intended send time (ms, 202s
/// only); send lag is how late the client started requests against the schedule, already inside that latency.
/// </summary>
internal sealed record OpenLoopRun(
    double Rate, int Sent, int Accepted, int Errors, string? FirstError, double AchievedRate,
    double P50, double P90, double P99, double P999, double Max, double SendLagP99, double SendLagMax,
    IReadOnlyList<ScheduleSecond> Seconds)
{
    /// <summary>The second with the highest latency.</summary>
    public ScheduleSecond WorstSecond => Seconds.MaxBy(s => s.Max)!;

    /// <summary>Summarises the requests of <paramref name="outcomes"/> from <paramref name="first"/> on (those before were the lead-in).</summary>
    public static OpenLoopRun From(double rate, IReadOnlyList<ScheduledRequest> outcomes, int first)
    {
        var measured = outcomes.Skip(first).ToList();
        var accepted = measured.Where(r => r.Accepted).ToList();
        var latencies = Sorted(accepted.Select(Latency));
        var lags = Sorted(measured.Select(r => Milliseconds(r.Sent - r.Intended)));
        var start = measured[0].Intended;

        // Answers per second over the measured window, from its first due time to its last answer: the scheduled rate
        // when the gateway keeps up, less when it falls behind.
        var window = Milliseconds(measured.Max(r => r.Answered) - start) / 1000;
        var seconds = measured.Where(r => r.Accepted).GroupBy(r => (int)((r.Intended - start) / Stopwatch.Frequency)).OrderBy(g => g.Key)
            .Select(g =>
            {
                var inSecond = Sorted(g.Select(Latency));
                return new ScheduleSecond(g.Key, inSecond.Length, Statistics.Percentile(inSecond, 0.5), inSecond[^1]);
            }).ToList();
        return new OpenLoopRun(
            rate, measured.Count, accepted.Count, measured.Count - accepted.Count, measured.FirstOrDefault(r => !r.Accepted).Error, accepted.Count / window,
            Statistics.Percentile(latencies, 0.5), Statistics.Percentile(latencies, 0.9), Statistics.Percentile(latencies, 0.99), Statistics.Percentile(latencies, 0.999),
            latencies.Length == 0 ? double.NaN : latencies[^1], Statistics.Percentile(lags, 0.99), lags[^1], seconds);
    }

    /// <summary>Each second's highest latency in ms, in order: where a periodic stall shows.</summary>
    public string MaxPerSecond() => string.Join(' ', Seconds.Select(s => s.Max.ToString("F0", CultureInfo.InvariantCulture)));

    private static double Latency(ScheduledRequest request) => Milliseconds(request.Answered - request.Intended);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }
}
