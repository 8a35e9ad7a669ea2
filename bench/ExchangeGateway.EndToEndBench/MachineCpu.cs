using System.Globalization;

namespace ExchangeGateway.EndToEndBench;

/// <summary>The machine's CPU counters from /proc/stat (all cores, everything running on them).</summary>
internal sealed record MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal: idle and iowait are the time no one used.
        var total = ticks.Sum();
        return new MachineCpu(total - ticks[3] - ticks[4], total);
    }

    /// <summary>The share of all cores' time that was busy since <paramref name="before"/>.</summary>
    public double BusyShareSince(MachineCpu before) => (Busy - before.Busy) / (double)(Total - before.Total);
}
