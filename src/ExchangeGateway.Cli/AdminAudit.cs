using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>Audit entries for administrators' outbox actions, written in the same transaction as the action.</summary>
public static class AdminAudit
{
    /// <summary>The work that records an admin action on a message.</summary>
    public static TransactionWork? Action(string action, string messageId) => null;
}
