using System.Diagnostics;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// Samples this process's thread pool every 100 ms while a schedule runs: the gateway under test blocks a pool thread
/// for every request waiting on its one SQLite connection, so a backlog shows here as threads and queued work items.
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly long jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();

    private ProcessSampler()
    {
        sampling = Task.Run(SampleAsync);
    }

    /// <summary>The most pool threads seen.</summary>
    public int MaxThreads { get; private set; }

    /// <summary>The most work items seen waiting for a pool thread.</summary>
    public long MaxQueuedWorkItems { get; private set; }

    /// <summary>Methods JIT-compiled since the start (tiered JIT still settling if many).</summary>
    public long Jitted { get; private set; }

    public static ProcessSampler Start() => new();

    /// <summary>Stops sampling; the figures are final afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        Jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore;
        stop.Dispose();
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            MaxThreads = Math.Max(MaxThreads, ThreadPool.ThreadCount);
            MaxQueuedWorkItems = Math.Max(MaxQueuedWorkItems, ThreadPool.PendingWorkItemCount);
        }
        while (await Tick(timer).ConfigureAwait(false));
    }

    private async Task<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
