using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>Audit entries for administrators' outbox actions, written in the same transaction as the action.</summary>
public static class AdminAudit
{
    /// <summary>
    /// The work that records an admin action on a message, as <c>admin:USER</c>. Checkpoints that fall due are signed
    /// with the gateway key in <paramref name="certs"/>, as the gateway itself would.
    /// </summary>
    public static TransactionWork Action(string action, string messageId, string certs)
    {
        AuditLog log;
        try
        {
            log = new AuditLog(CheckpointSigner.Load(certs));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException or InvalidOperationException)
        {
            throw new UsageException($"cannot load the gateway key from {certs} to sign audit checkpoints: {ex.Message}");
        }

        var user = Environment.UserName is { Length: > 0 } name && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@') ? name : "unknown";
        return (connection, transaction) =>
        {
            AuditLog.EnsureSchema(connection);
            log.Append(connection, transaction, new AuditRecord(AuditEventTypes.AdminAction, AuditActors.Admin(user))
            {
                Subjects = Outbox.PersonKeysOf(connection, transaction, messageId),
                Details = new Dictionary<string, AuditValue>(StringComparer.Ordinal) { ["action"] = action, ["messageId"] = messageId },
            }, DateTimeOffset.UtcNow);
        };
    }
}
