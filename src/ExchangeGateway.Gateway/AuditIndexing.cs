using ExchangeGateway.Audit;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Keeps the audit trail's person index and Merkle tree up with the trail, a batch each second and once more at
/// shutdown. Accepts write only their entries; indexing them here, many at a time, keeps that work out of the
/// serialised accept transaction. Queries by person are complete either way (they read the entries the index has not
/// reached yet); tree heads and proofs cover what the tree has reached.
/// </summary>
public sealed class AuditIndexing(GatewayAudit audit, TimeProvider time, StorageHealth storage, ILogger<AuditIndexing> log) : BackgroundService
{
    /// <summary>Entries indexed per transaction: small enough that submissions never wait long for the database.</summary>
    public const int Batch = 2_000;

    /// <summary>Entries added to the Merkle tree per transaction: each costs two hashes and about two rows, and a unit of work
    /// in the writer's queue delays the accepts behind it, so smaller than the index's batch.</summary>
    public const int TreeBatch = 500;

    // How long the shutdown's last pass may take before it leaves the rest to the next start.
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    private long reportedStop;
    private string? reportedIntegrity;

    /// <summary>Indexes and adds to the tree everything not covered yet, a batch per transaction; returns how many entries the index read.</summary>
    /// <remarks>Stops between batches once <paramref name="stop"/> is cancelled: at shutdown the backlog (the whole trail, the first time the tree is built) must not hold up the shutdown checkpoint.</remarks>
    public async Task<long> RunOnceAsync(CancellationToken stop = default)
    {
        long total = 0;
        int read;
        do
        {
            read = await audit.IndexPeopleAsync(Batch).ConfigureAwait(false);
            total += read;
        }
        while (read == Batch && !stop.IsCancellationRequested);

        TreeExtension extension;
        do
        {
            extension = await audit.ExtendTreeAsync(TreeBatch).ConfigureAwait(false);
        }
        while (extension.Added == TreeBatch && !stop.IsCancellationRequested);

        // Tree heads cannot move past such a row: say so once per row, loudly, rather than let them stall unseen.
        if (extension.StoppedAtSeq is { } seq && seq != Interlocked.Exchange(ref reportedStop, seq))
        {
            log.LogError("The audit tree stops before entry {Seq}: its stored text no longer gives its hash; run exg audit verify", seq);
        }

        return total;
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // Whatever is left after the shutdown's grace period is picked up at the next start.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StopBudget);
        await TryRunOnceAsync(bounded.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await TryRunOnceAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task TryRunOnceAsync(CancellationToken stop)
    {
        if (storage.IsPaused)
        {
            return;
        }

        try
        {
            await RunOnceAsync(stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            storage.Failed(ex, "extending the audit person index and tree");
        }
        catch (AuditIntegrityException ex)
        {
            // The trail was changed behind the gateway (checkpoints deleted): said once per finding, not every second.
            if (ex.Message != Interlocked.Exchange(ref reportedIntegrity, ex.Message))
            {
                log.LogError("The audit tree is not extended and no checkpoint is signed: {Problem}", ex.Message);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else (a constraint the database refused, a tree node missing) is logged, never allowed to stop the
            // host: the trail itself is untouched, and `exg audit verify` says what is wrong.
            log.LogError(ex, "Could not extend the audit person index or tree; queries still read the entries the index has not reached");
        }
    }
}
