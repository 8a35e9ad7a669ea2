using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The audit entries of what operators do in the console.</summary>
public sealed partial class GatewayAudit
{
    /// <summary>An operator retried or cancelled a message: <c>admin:OPERATOR</c>, in the unit of work of the change.</summary>
    public void AdminAction(IStoreTransaction transaction, string operatorId, string action, string messageId)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        Append(transaction, AuditRecord.AdminAction(operatorId, action, messageId, transaction.Submissions.PersonKeysOf(messageId)));
    }
}
