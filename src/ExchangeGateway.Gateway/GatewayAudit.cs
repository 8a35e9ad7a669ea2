using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Gateway;

/// <summary>The gateway's side of the audit trail: one method per kind of event, each writing inside the caller's transaction where there is one.</summary>
public sealed class GatewayAudit
{
    /// <summary>A submission was refused before anything was stored.</summary>
    public void Refused(string sender, string? submissionId, string reason, int errorCount)
    {
    }

    /// <summary>A submission was accepted: received, one consent decision per recipient, one sealed package per message.</summary>
    public void Accepted(SqliteConnection connection, SqliteTransaction transaction, Submission submission, string sender, string bodyHash,
        IReadOnlyList<string> personKeys, IReadOnlyList<Recipient> recipients, IReadOnlyList<ConsentDecision> decisions, IReadOnlyList<OutgoingMessage> messages)
    {
    }

    /// <summary>A withdrawal cancelled queued messages.</summary>
    public void Withdrawn(SqliteConnection connection, SqliteTransaction transaction, string submissionId, IReadOnlyList<string> personKeys, IReadOnlyList<string> cancelled)
    {
    }

    /// <summary>The result of one push attempt.</summary>
    public void DeliveryResult(SqliteConnection connection, SqliteTransaction transaction, string messageId, string recipient, string result, string detail)
    {
    }

    /// <summary>Mailbox messages expired unacknowledged.</summary>
    public void Expired(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> messageIds)
    {
    }

    /// <summary>An agency fetched a mailbox message.</summary>
    public void Fetched(SqliteConnection connection, SqliteTransaction transaction, string agency, string messageId)
    {
    }

    /// <summary>An agency acknowledged a mailbox message.</summary>
    public void Acknowledged(SqliteConnection connection, SqliteTransaction transaction, string agency, string messageId)
    {
    }

    /// <summary>A release-schedule entry fell due: a reminder re-sent to the release recipients, or an overdue alert to the CJIT, with the consent decision per recipient.</summary>
    public void ScheduleFired(SqliteConnection connection, SqliteTransaction transaction, string entryId, string kind, string submissionId,
        IReadOnlyList<string> personKeys, IReadOnlyList<RecipientDecision> decisions)
    {
    }
}
