using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>Expires mailbox messages not acknowledged within the configured time (5 days by default), as MESH does; the sender then sees "undeliverable".</summary>
public sealed class MailboxExpiry(IGatewayStore store, IOptions<GatewayOptions> options, TimeProvider time, GatewayAudit audit, StorageHealth storage, GatewayMetrics metrics, ILogger<MailboxExpiry> log) : BackgroundService
{
    /// <summary>Expires what is due now; returns how many.</summary>
    public int RunOnce()
    {
        var expired = store.InTransaction(transaction =>
        {
            var ids = transaction.Mailbox.Expire(time.GetUtcNow() - options.Value.MailboxExpiry);
            if (ids.Count > 0)
            {
                audit.Expired(transaction, ids);
            }

            return ids;
        });
        if (expired.Count > 0)
        {
            // Expire returns ids only, so the agency is left out: a mailbox expiry is counted on the channel alone.
            metrics.Delivery(DeliveryOutcomes.Expired, DeliveryChannel.Mailbox, null, expired.Count);
            log.LogWarning("Expired {Count} mailbox message(s) not acknowledged within {Days} days", expired.Count, options.Value.MailboxExpiry.TotalDays);
        }

        return expired.Count;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!storage.IsPaused)
                {
                    RunOnce();
                }
            }
            catch (Exception ex) when (StorageHealth.IsFault(ex))
            {
                storage.Failed(ex, "expiring mailbox messages");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                log.LogError(ex, "Mailbox expiry failed; trying again");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
