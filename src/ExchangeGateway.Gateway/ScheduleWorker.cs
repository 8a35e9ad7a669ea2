using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// A worker that fires whatever of its schedule is due, every half minute, off the host's start-up path; while storage
/// is failing it waits instead of retrying in a storm. One entry that fails stays pending and is tried again; a storage
/// fault ends the round.
/// </summary>
/// <typeparam name="TDue">A due entry of the schedule.</typeparam>
public abstract class ScheduleWorker<TDue>(IGatewayStore store, PushDelivery push, GatewayAudit audit, StorageHealth storage, GatewayMetrics metrics, TimeProvider time, ILogger log)
    : BackgroundService
{
    // Schedules are about the time of day, so half a minute late is on time.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    // One round at a time: the worker's loop, and a test calling RunDue.
    private readonly Lock running = new();

    /// <summary>The gateway's database.</summary>
    protected IGatewayStore Store => store;

    /// <summary>The gateway's audit trail.</summary>
    protected GatewayAudit Trail => audit;

    /// <summary>The storage health the worker reports faults to.</summary>
    protected StorageHealth Storage => storage;

    /// <summary>The clock.</summary>
    protected TimeProvider Time => time;

    /// <summary>The worker's log.</summary>
    protected ILogger Log => log;

    /// <summary>What the worker fires, for log lines ("release schedule entries").</summary>
    protected abstract string What { get; }

    /// <summary>Fires every entry due now; returns how many were settled.</summary>
    public int RunDue()
    {
        lock (running)
        {
            var now = time.GetUtcNow();
            var settled = 0;
            foreach (var due in Due(now))
            {
                try
                {
                    settled += Fire(due, now) ? 1 : 0;
                }
                catch (Exception ex) when (StorageHealth.IsFault(ex))
                {
                    storage.Failed(ex, "firing due " + What);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "{Entry} failed; it stays pending and is tried again", Describe(due));
                }
            }

            return settled;
        }
    }

    /// <summary>
    /// Settles a fired entry and queues what it sends, with their audit entries, in one transaction. Nothing is written when
    /// the person's memory changed since the consent decisions were made (<paramref name="memory"/>, when it matters: they
    /// are made again next round) or when <paramref name="settle"/> finds the entry settled meanwhile (an answer, a release,
    /// a newer record, another instance). True when settled here.
    /// </summary>
    protected bool Commit(ScheduleEntryRef entry, string eventType, PersonMemory? memory, bool memoryMatters, Func<IStoreTransaction, bool> settle,
        IReadOnlyList<RecipientDecision> decisions, IReadOnlyList<OutgoingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(settle);
        ArgumentNullException.ThrowIfNull(messages);
        var settled = store.InTransaction(tx =>
        {
            if (memoryMatters && !PersonMemory.Same(tx.Submissions.LockPersons(entry.PersonKeys), memory))
            {
                return false;
            }

            if (!settle(tx))
            {
                return false;
            }

            tx.Submissions.Enqueue(entry.SubmissionId, eventType, entry.PersonKeys, messages);
            audit.ScheduleFired(tx, entry.EntryId, entry.Kind, entry.SubmissionId, entry.PersonKeys, decisions, messages);
            return true;
        });
        if (settled)
        {
            metrics.Queued(messages, eventType);
        }

        if (settled && messages.Any(m => m.Channel == DeliveryChannel.Push))
        {
            push.Wake();
        }

        return settled;
    }

    /// <summary>The entries due at <paramref name="now"/>, earliest first.</summary>
    protected abstract IReadOnlyList<TDue> Due(DateTimeOffset now);

    /// <summary>Fires one entry; false when it was settled meanwhile (by an answer, a newer record or another instance).</summary>
    protected abstract bool Fire(TDue due, DateTimeOffset now);

    /// <summary>The entry for a log line: its id and kind, nothing about the person.</summary>
    protected abstract string Describe(TDue due);

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

/// <summary>What a schedule worker needs to know of a fired entry to queue and audit what it sends.</summary>
public sealed record ScheduleEntryRef(string EntryId, string Kind, string SubmissionId, IReadOnlyList<string> PersonKeys);
