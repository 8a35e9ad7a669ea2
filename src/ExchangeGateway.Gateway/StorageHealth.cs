using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Whether the store is failing, shared by the workers and the API. While it fails, storage work pauses (1 s doubling
/// to 30 s), callers are told when to come back, and the failure is logged once per interval without a stack
/// trace, so a full disk neither makes the gateway hammer an agency nor floods its log.
/// </summary>
public sealed class StorageHealth(TimeProvider time, ILogger<StorageHealth> log)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private int failures;
    private int unreported;
    private DateTimeOffset pausedUntil;
    private DateTimeOffset nextReport;

    /// <summary>True when the exception is a storage fault rather than a bug.</summary>
    public static bool IsFault(Exception exception) => exception is StorageUnavailableException || exception?.InnerException is StorageUnavailableException;

    /// <summary>How long storage work should still wait; zero when the store is not known to be failing.</summary>
    public TimeSpan PauseRemaining
    {
        get
        {
            lock (gate)
            {
                var left = pausedUntil - time.GetUtcNow();
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }
    }

    /// <summary>True while storage work waits out a pause; background work skips its turn rather than meet the fault again.</summary>
    public bool IsPaused => PauseRemaining > TimeSpan.Zero;

    /// <summary>Whole seconds for a Retry-After header: at least one.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(PauseRemaining.TotalSeconds));

    /// <summary>Records a storage fault met while doing <paramref name="activity"/>; returns the pause now in force.</summary>
    public TimeSpan Failed(Exception exception, string activity)
    {
        ArgumentNullException.ThrowIfNull(exception);
        lock (gate)
        {
            var now = time.GetUtcNow();
            var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(failures, 20)));
            failures++;
            if (now + pause > pausedUntil)
            {
                pausedUntil = now + pause;
            }

            if (now >= nextReport)
            {
                log.LogWarning(
                    "Storage unavailable while {Activity}: {Reason}; storage work pauses {PauseSeconds:0.#} s ({Unreported} more failure(s) since the last report)",
                    activity, (exception as StorageUnavailableException ?? exception.InnerException as StorageUnavailableException)?.Message ?? exception.Message, pause.TotalSeconds, unreported);
                unreported = 0;
                nextReport = now + ReportEvery;
            }
            else
            {
                unreported++;
            }

            return pause;
        }
    }

    /// <summary>Records a successful write: the store works again.</summary>
    public void Succeeded()
    {
        lock (gate)
        {
            if (failures == 0)
            {
                return;
            }

            log.LogInformation("Storage available again after {Failures} failure(s)", failures);
            failures = 0;
            unreported = 0;
            pausedUntil = DateTimeOffset.MinValue;
            nextReport = DateTimeOffset.MinValue;
        }
    }
}
