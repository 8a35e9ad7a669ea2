using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

/// <summary>One stored message as the cross-check sees it: its id, channel (push or mailbox), status and attempts.</summary>
internal sealed record OutboxMessage(string MessageId, string Channel, string Status, long Attempts);

/// <summary>
/// The outbox rows (ExchangeGateway.Storage's <c>submissions</c> and <c>messages</c> in gateway.db) that the verifier
/// checks the trail against. All the SQL the cross-check runs on the outbox is here, read in the verifier's snapshot
/// so that the rows and the trail come from the same moment.
/// </summary>
internal static class OutboxRows
{
    /// <summary>True when the database holds an outbox (a gateway data folder, not an audit-only database).</summary>
    public static bool Exist(SqliteConnection connection, SqliteTransaction transaction) =>
        Scalar(connection, transaction, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('submissions', 'messages')") == 2;

    /// <summary>How many submissions and messages are stored.</summary>
    public static (long Submissions, long Messages) Counts(SqliteConnection connection, SqliteTransaction transaction) =>
        (Scalar(connection, transaction, "SELECT COUNT(*) FROM submissions"), Scalar(connection, transaction, "SELECT COUNT(*) FROM messages"));

    /// <summary>Every stored submission id, oldest first.</summary>
    public static IEnumerable<string> SubmissionIds(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = Command(connection, transaction, "SELECT submission_id FROM submissions ORDER BY received_ms, submission_id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.GetString(0);
        }
    }

    /// <summary>Every stored message, oldest first.</summary>
    public static IEnumerable<OutboxMessage> Messages(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = Command(connection, transaction, "SELECT message_id, channel, status, attempts FROM messages ORDER BY created_ms, message_id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new OutboxMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3));
        }
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
