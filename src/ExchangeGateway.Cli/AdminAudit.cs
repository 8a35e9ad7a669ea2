using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>Audit entries for administrators' outbox actions, written in the same unit of work as the action.</summary>
public static class AdminAudit
{
    /// <summary>
    /// The work that records an admin action on a message, as <c>admin:USER</c>, and signs a checkpoint over it with the
    /// checkpoint key in <paramref name="certs"/>, so that the trail's head stays signed even while the gateway is stopped.
    /// Run it in the unit of work that makes the change: <c>store.InTransaction(tx =&gt; { if (tx.Admin.Cancel(id, reason)) work(tx); ... })</c>.
    /// The key is loaded now, so a missing key is a usage error before anything is changed.
    /// </summary>
    public static Action<IStoreTransaction> Action(string action, string messageId, string certs)
    {
        CheckpointSigner signer;
        try
        {
            signer = CheckpointSigner.Load(certs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"cannot load the audit checkpoint key from {certs} to sign audit checkpoints: {ex.Message}");
        }

        var user = Environment.UserName is { Length: > 0 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@') ? name : "unknown";
        return tx =>
        {
            ArgumentNullException.ThrowIfNull(tx);
            var now = tx.Now;

            // With the interval the gateway writes the trail with, so that its checks before signing agree with the gateway's.
            var log = new AuditLog(signer, AuditLog.IntervalOf(tx.Audit));
            log.Append(tx.Audit, AuditRecord.AdminAction(user, action, messageId, tx.Submissions.PersonKeysOf(messageId)), now);
            log.CheckpointIfUncovered(tx.Audit, now, CheckpointReason.Requested);
        };
    }
}
