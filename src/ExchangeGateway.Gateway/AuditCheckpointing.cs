using ExchangeGateway.Storage;
using ExchangeGateway.Audit;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Keeps the audit trail's head signed, because <c>exg audit verify</c> fails on entries no checkpoint covers: at start
/// when the stored head is unsigned (the last run was killed), every <see cref="GatewayOptions.AuditCheckpointSeconds"/>
/// when the head has moved since the newest checkpoint, and at shutdown. A cut or rewrite of the tail then shows
/// unless it happened within the last few seconds of a live gateway.
/// </summary>
public sealed class AuditCheckpointing(GatewayAudit audit, IOptions<GatewayOptions> options, TimeProvider time, StorageHealth storage, LatestCheckpoint latest, ILogger<AuditCheckpointing> log) : BackgroundService
{
    /// <inheritdoc/>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosted services start before the server listens, so the previous run's unsigned tail is signed before any new entry.
        if (TrySign(CheckpointReason.Startup) is { } checkpoint)
        {
            log.LogInformation("Signed audit checkpoint #{Number} at start over entry {Seq}: the previous run stopped without signing its last entries", checkpoint.Number, checkpoint.Seq);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            audit.Checkpoint();
        }
        catch (Exception ex) when (ex is StorageUnavailableException or InvalidOperationException)
        {
            log.LogError(ex, "Could not sign the shutdown audit checkpoint");
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.AuditCheckpointSeconds;
        if (seconds <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(seconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (!storage.IsPaused)
            {
                TrySign(CheckpointReason.Timer);
            }
        }
    }

    private AuditCheckpoint? TrySign(CheckpointReason reason)
    {
        try
        {
            var checkpoint = audit.CheckpointIfUncovered(reason);
            if (checkpoint is not null)
            {
                storage.Succeeded();

                // Pushes and fetches show the new head from now on, not the one read up to a second ago.
                latest.Invalidate();
            }

            return checkpoint;
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            storage.Failed(ex, $"signing an audit checkpoint ({AuditChain.ReasonName(reason)})");
            return null;
        }
        catch (AuditIntegrityException ex)
        {
            // Not a fault to retry: the trail was changed behind the gateway, and someone must look at it.
            log.LogError("Audit checkpoint ({Reason}) refused: {Problem}", AuditChain.ReasonName(reason), ex.Message);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException)
        {
            log.LogError(ex, "Could not sign an audit checkpoint ({Reason})", AuditChain.ReasonName(reason));
            return null;
        }
    }
}
