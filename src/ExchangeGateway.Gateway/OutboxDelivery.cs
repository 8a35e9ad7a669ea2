using System.Collections.Concurrent;
using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Sends queued packages on one channel (push, MESH): delivered; retried with exponential backoff and jitter until the
/// give-up window closes; or refused and dead-lettered at once. Each attempt runs on its own, with a per-agency cap, so
/// a slow or dead agency never holds up the others. The outbox is the only state: the claim, committed before the
/// send, records the attempt, and after a crash every message still queued is sent again under its original message id.
/// </summary>
public abstract class OutboxDelivery : BackgroundService
{
    private readonly IGatewayStore store;
    private readonly GatewayOptions options;
    private readonly TimeProvider time;
    private readonly GatewayAudit audit;
    private readonly ILogger log;
    private readonly StorageHealth storage;
    private readonly GatewayMetrics metrics;
    // Messages whose result could not be recorded: held back, with their own backoff, until the store works again.
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset Until)> held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> perAgency = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Creates the worker of one channel.</summary>
    protected OutboxDelivery(IGatewayStore store, IOptions<GatewayOptions> options, TimeProvider time, GatewayAudit audit, StorageHealth storage, GatewayMetrics metrics, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.store = store;
        this.options = options.Value;
        this.time = time;
        this.audit = audit;
        this.storage = storage;
        this.metrics = metrics;
        this.log = log;
    }

    /// <summary>The channel this worker sends on.</summary>
    protected abstract DeliveryChannel Channel { get; }

    /// <summary>The gateway's settings.</summary>
    protected GatewayOptions Options => options;

    /// <summary>The queue of this channel's messages in a transaction.</summary>
    protected abstract IOutboxQueue Queue(IStoreTransaction transaction);

    /// <summary>One attempt to send a message: its outcome, a detail for the audit trail (no personal data), and the receiver's id for it if any.</summary>
    protected abstract Task<SendResult> SendAsync(DueMessage message, CancellationToken stoppingToken);

    /// <summary>Asks the worker to look for due messages now (called after a submission is accepted).</summary>
    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up is enough.
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new ConcurrentDictionary<Task, byte>();
        while (!stoppingToken.IsCancellationRequested)
        {
            // While the store fails, wake-ups do not bring the worker back early: it waits out the pause.
            if (storage.PauseRemaining is { } pause && pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            try
            {
                var free = options.PushConcurrency - inFlight.Count;
                if (free > 0)
                {
                    var busy = perAgency.Where(p => p.Value >= options.PushConcurrencyPerAgency).Select(p => p.Key).ToList();
                    var skip = new List<string>([.. inFlight.Keys, .. Held()]);
                    // Awaited: on SQLite the claim shares the writer's next group commit with the accepts instead of an fsync of its own.
                    var claims = await store.InTransactionAsync(tx => Queue(tx).Claim(free, skip, busy, Claimant, Lease,
                        agency => options.PushConcurrencyPerAgency - perAgency.GetValueOrDefault(agency))).ConfigureAwait(false);
                    foreach (var message in claims)
                    {
                        if (perAgency.GetValueOrDefault(message.Recipient) >= options.PushConcurrencyPerAgency || !inFlight.TryAdd(message.MessageId, message.Recipient))
                        {
                            continue;
                        }

                        perAgency.AddOrUpdate(message.Recipient, 1, (_, n) => n + 1);
                        var attempt = Task.Run(() => AttemptAsync(message, stoppingToken), CancellationToken.None);
                        running.TryAdd(attempt, 0);
                        _ = attempt.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
                    }
                }
            }
            catch (Exception ex) when (StorageHealth.IsFault(ex))
            {
                storage.Failed(ex, $"looking for due {DeliveryChannelNames.Of(Channel)} messages");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "The {Channel} loop failed; trying again", Channel);
            }

            try
            {
                await wake.WaitAsync(options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(running.Keys).ConfigureAwait(false);
    }

    // Who holds a claim, for an administrator looking at the outbox: this process on this machine.
    private static string Claimant { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>How long a claim holds: longer than the longest attempt, so no other instance sends the message while this one still may.</summary>
    protected virtual TimeSpan Lease => options.PushTimeout + TimeSpan.FromSeconds(30);

    // A delivery state change and its audit entry, in one transaction; nothing is audited (or counted) for a message no longer queued.
    // Awaited like the claim, so delivery results are committed in groups with the accepts.
    private async Task<bool> RecordAsync(DueMessage message, string result, string detail, Func<IStoreTransaction, bool> transition)
    {
        var recorded = await store.InTransactionAsync(transaction =>
        {
            if (!transition(transaction))
            {
                return false;
            }

            audit.DeliveryResult(transaction, message.MessageId, message.Recipient, result, detail);
            return true;
        }).ConfigureAwait(false);
        if (recorded)
        {
            metrics.Delivery(result, Channel, message.Recipient);
        }

        return recorded;
    }

    private async Task AttemptAsync(DueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            var now = time.GetUtcNow();
            if (now - DateTimeOffset.FromUnixTimeMilliseconds(message.WindowStartMs) > options.GiveUpAfter)
            {
                var reason = $"gave up after {options.GiveUpAfter.TotalHours:0.#} h without a 2xx ({message.Attempts} attempts)";
                await RecordAsync(message, DeliveryOutcomes.DeadLetter, reason, tx => Queue(tx).MarkDeadLetter(message.MessageId, reason, message.Claim)).ConfigureAwait(false);
                log.LogWarning("Dead-lettered {MessageId} to {Recipient}: {Reason}", message.MessageId, message.Recipient, reason);
                held.TryRemove(message.MessageId, out _);
                return;
            }

            var sent = await SendAsync(message, stoppingToken).ConfigureAwait(false);
            var detail = sent.Detail;
            switch (sent.Outcome)
            {
                case SendOutcome.Delivered:
                    if (await RecordAsync(message, DeliveryOutcomes.Delivered, detail, tx => Queue(tx).MarkDelivered(message.MessageId, message.Claim, sent.ReceiverId)).ConfigureAwait(false))
                    {
                        log.LogInformation("Delivered {MessageId} to {Recipient} by {Channel} ({Detail})", message.MessageId, message.Recipient, Channel, detail);
                    }
                    else
                    {
                        // Settled meanwhile (a withdrawal of consent cancelled it, or another instance's lease took over).
                        log.LogWarning("Sent {MessageId} to {Recipient} ({Detail}), but it was no longer queued here: its stored state stands", message.MessageId, message.Recipient, detail);
                    }

                    break;
                case SendOutcome.Refused:
                    await RecordAsync(message, DeliveryOutcomes.DeadLetter, detail, tx => Queue(tx).MarkDeadLetter(message.MessageId, detail, message.Claim)).ConfigureAwait(false);
                    log.LogWarning("Dead-lettered {MessageId} to {Recipient}: {Detail}", message.MessageId, message.Recipient, detail);
                    break;
                default:
                    var next = time.GetUtcNow() + Backoff(message.Attempts);
                    await RecordAsync(message, DeliveryOutcomes.Retry, detail, tx => Queue(tx).MarkRetry(message.MessageId, next, detail, message.Claim)).ConfigureAwait(false);
                    log.LogInformation("Attempt {Attempt} of {MessageId} to {Recipient} failed ({Detail}); next at {Next:o}", message.Attempts + 1, message.MessageId, message.Recipient, detail, next);
                    break;
            }

            held.TryRemove(message.MessageId, out _);
            storage.Succeeded();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the message stays queued and is sent again on the next start.
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            // The result could not be recorded, so the message is still due: hold it back rather than post it again at once.
            storage.Failed(ex, "recording a delivery result");
            var failures = held.TryGetValue(message.MessageId, out var before) ? before.Failures + 1 : 1;
            held[message.MessageId] = (failures, time.GetUtcNow() + Backoff(failures - 1));
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Attempt of {MessageId} to {Recipient} failed unexpectedly; it stays queued", message.MessageId, message.Recipient);
        }
        finally
        {
            inFlight.TryRemove(message.MessageId, out _);
            perAgency.AddOrUpdate(message.Recipient, 0, (_, n) => Math.Max(0, n - 1));
            Wake();
        }
    }

    // A held message leaves the hold when its time is up; its entry (and failure count) stays until a result is recorded.
    private List<string> Held()
    {
        var now = time.GetUtcNow();
        return [.. held.Where(h => h.Value.Until > now).Select(h => h.Key)];
    }

    /// <summary>Exponential backoff from RetryMin doubling to RetryMax, with "equal jitter" (half fixed, half random) so retries of many messages spread out.</summary>
    private TimeSpan Backoff(int attemptsSoFar)
    {
        var exponent = Math.Min(attemptsSoFar, 30);
        var ceiling = Math.Min(options.RetryMax.TotalMilliseconds, options.RetryMin.TotalMilliseconds * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + (Random.Shared.NextDouble() * half));
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}

/// <summary>How one attempt ended.</summary>
public enum SendOutcome
{
    /// <summary>The receiver took it.</summary>
    Delivered,

    /// <summary>The receiver will never take it: dead-lettered at once.</summary>
    Refused,

    /// <summary>Not now: tried again after a backoff.</summary>
    Retry,
}

/// <summary>The outcome of one attempt, a detail for the audit trail, and the id the receiver gave the message (MESH's), if any.</summary>
public sealed record SendResult(SendOutcome Outcome, string Detail, string? ReceiverId = null);
