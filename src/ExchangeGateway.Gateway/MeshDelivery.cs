using ExchangeGateway.Mesh;
using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Sends queued packages to agencies' MESH mailboxes, unchanged (sealed end to end): MESH's message id is stored beside
/// the message; an unknown mailbox or workflow is dead-lettered at once; refused credentials, 5xx, a timeout or no
/// connection are retried. A crash between MESH's answer and the commit sends the package again under the same
/// mex-LocalID and the same signed message id, which receivers treat as a duplicate.
/// </summary>
public sealed class MeshDelivery(
    IGatewayStore store, MeshMailbox mailbox, IOptions<GatewayOptions> options, TimeProvider time, GatewayAudit audit, StorageHealth storage,
    GatewayMetrics metrics, ILogger<MeshDelivery> log)
    : OutboxDelivery(store, options, time, audit, storage, metrics, log)
{
    /// <summary>The subject every package is sent under: the package itself says what it is, to its recipient only.</summary>
    public const string Subject = "ExchangeGateway sealed package";

    /// <inheritdoc/>
    protected override DeliveryChannel Channel => DeliveryChannel.Mesh;

    /// <summary>The claim outlives the whole send (every chunk), which is cut off at <see cref="SendDeadline"/>.</summary>
    protected override TimeSpan Lease => SendDeadline + TimeSpan.FromSeconds(30);

    // A large package goes in several chunks, each a request of its own; together they may take this long.
    private TimeSpan SendDeadline => mailbox.Options.Timeout * 4;

    /// <inheritdoc/>
    protected override IOutboxQueue Queue(IStoreTransaction transaction) => transaction.MeshQueue;

    /// <summary>The stored endpoint of a MESH recipient: its mailbox and workflow.</summary>
    public static string Endpoint(Domain.MeshAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return $"{address.Mailbox}/{address.WorkflowId}";
    }

    /// <inheritdoc/>
    protected override async Task<SendResult> SendAsync(DueMessage message, CancellationToken stoppingToken)
    {
        var parts = message.Endpoint.Split('/', 2);
        if (parts.Length != 2)
        {
            return new(SendOutcome.Refused, $"the stored MESH address '{message.Endpoint}' is not mailbox/workflow");
        }

        var outgoing = new MeshOutgoing(parts[0], parts[1], message.Package, message.MessageId, $"{message.MessageId}.p7m", Subject, Encrypted: true);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(SendDeadline);
        try
        {
            var meshId = await mailbox.Client.SendAsync(outgoing, mailbox.Options.ChunkSize, deadline.Token).ConfigureAwait(false);
            return new(SendOutcome.Delivered, $"MESH message {meshId}", meshId);
        }
        catch (MeshException ex) when (ex.CredentialsRefused)
        {
            log.LogError("MESH refused the gateway's mailbox credentials ({Status}): check Gateway:Mesh:Mailbox, Password, SharedKey and ClientCertificate", ex.Status);
            return new(SendOutcome.Retry, $"MESH refused the gateway's credentials ({ex.Status})");
        }
        catch (MeshException ex) when (ex.IsPermanent)
        {
            return new(SendOutcome.Refused, ex.Message);
        }
        catch (MeshException ex)
        {
            return new(SendOutcome.Retry, ex.Message);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new(SendOutcome.Retry, $"MESH did not take the package within {SendDeadline.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new(SendOutcome.Retry, ex.HttpRequestError == HttpRequestError.ConnectionError ? "MESH refused the connection or is unreachable" : $"transport error: {ex.HttpRequestError}");
        }
    }
}
