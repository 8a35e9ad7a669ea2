using System.Diagnostics;
using System.Globalization;

namespace ExchangeGateway.Cli;

/// <summary>
/// The progress of <c>exg send --dir</c> on stderr: files done of the total, the rate of files sent this run, and the
/// time left at that rate. On a terminal one line redrawn (carriage return) four times a second; otherwise, as in a log,
/// a line every five seconds.
/// </summary>
public sealed class SendProgress(TextWriter error, int total, bool terminal)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int done;
    private int sent;

    /// <summary>How often the line is written.</summary>
    public TimeSpan Interval => terminal ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(5);

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Files sent to the gateway this run (skipped and locally refused ones are not).</summary>
    public int Sent => Volatile.Read(ref sent);

    /// <summary>A file is finished; <paramref name="wasSent"/> when it went to the gateway rather than being skipped.</summary>
    public void Finished(bool wasSent)
    {
        Interlocked.Increment(ref done);
        if (wasSent)
        {
            Interlocked.Increment(ref sent);
        }
    }

    /// <summary>Writes the progress every <see cref="Interval"/> until <paramref name="cancellationToken"/> is cancelled, then once more.</summary>
    public async Task RunAsync(Action? everyTick, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Write();
                everyTick?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        Write();
        if (terminal)
        {
            lock (error)
            {
                error.WriteLine();
            }
        }
    }

    /// <summary>The progress line as it stands.</summary>
    public string Line()
    {
        var finished = Volatile.Read(ref done);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        var rate = Sent / seconds;
        var left = total - finished;
        var eta = left == 0 ? "0s" : rate <= 0 ? "?" : Duration(TimeSpan.FromSeconds(left / rate));
        return string.Create(CultureInfo.InvariantCulture, $"{finished}/{total} files, {rate:0.0}/s, ETA {eta}, {Duration(clock.Elapsed)} so far");
    }

    /// <summary>A duration as 1h02m, 4m05s or 12s.</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:D2}m"
        : span.TotalMinutes >= 1 ? $"{span.Minutes}m{span.Seconds:D2}s"
        : $"{span.Seconds}s";

    private void Write()
    {
        lock (error)
        {
            if (terminal)
            {
                // Padded so a shorter line covers the end of the longer one before it.
                error.Write("\r" + Line().PadRight(72));
            }
            else
            {
                error.WriteLine(Line());
            }

            error.Flush();
        }
    }
}
