namespace ExchangeGateway.Gateway;

/// <summary>Signs a checkpoint of the audit trail's head when the gateway stops, so truncating the tail afterwards shows.</summary>
public sealed class AuditCheckpointAtShutdown(GatewayAudit audit, ILogger<AuditCheckpointAtShutdown> log) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            audit.Checkpoint();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            log.LogError(ex, "Could not sign the shutdown audit checkpoint");
        }

        return Task.CompletedTask;
    }
}
