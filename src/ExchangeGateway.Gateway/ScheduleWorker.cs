namespace ExchangeGateway.Gateway;

/// <summary>
/// A worker that fires whatever of its schedule is due, every half minute, off the host's start-up path; while storage
/// is failing it waits instead of retrying in a storm.
/// </summary>
public abstract class ScheduleWorker(StorageHealth storage, TimeProvider time, ILogger log) : BackgroundService
{
    // Schedules are about the time of day, so half a minute late is on time.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    /// <summary>The storage health the worker reports faults to.</summary>
    protected StorageHealth Storage => storage;

    /// <summary>The clock.</summary>
    protected TimeProvider Time => time;

    /// <summary>The worker's log.</summary>
    protected ILogger Log => log;

    /// <summary>What the worker fires, for log lines ("release schedule entries").</summary>
    protected abstract string What { get; }

    /// <summary>Fires every entry due now; returns how many were settled.</summary>
    public abstract int RunDue();

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: a backlog after a long stop must not hold up the API.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!storage.IsPaused)
                {
                    RunDue();
                }
            }
            catch (Exception ex) when (StorageHealth.IsFault(ex))
            {
                storage.Failed(ex, "looking for due " + What);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Firing due {What} failed; trying again", What);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
