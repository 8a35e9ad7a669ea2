using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

/// <summary>The checkpoints of the trail: signing the head on shutdown, on a timer and at start, and reading the newest.</summary>
public sealed partial class AuditLog
{
    /// <summary>
    /// Signs the head of the trail (its last seq and hash) and stores the checkpoint; null when the trail is empty.
    /// Call it on shutdown with <see cref="CheckpointReason.Shutdown"/>: a later cut of the tail then shows.
    /// </summary>
    public AuditCheckpoint? Checkpoint(SqliteConnection connection, SqliteTransaction? transaction, DateTimeOffset time, CheckpointReason reason = CheckpointReason.Shutdown) =>
        SignHead(connection, transaction, time, reason, onlyWhenUncovered: false);

    /// <summary>
    /// Signs the head unless the newest checkpoint already signs it; returns the new checkpoint, or null when there was
    /// nothing to sign (an empty trail, or a head already covered). For the gateway's timer and its start.
    /// </summary>
    public AuditCheckpoint? CheckpointIfUncovered(SqliteConnection connection, SqliteTransaction? transaction, DateTimeOffset time, CheckpointReason reason) =>
        SignHead(connection, transaction, time, reason, onlyWhenUncovered: true);

    /// <summary>The seq the newest checkpoint signs, or null when there is none.</summary>
    public static long? LastCheckpointSeq(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return NewestCheckpoint(connection, transaction)?.Seq;
    }

    /// <summary>The number the next checkpoint takes.</summary>
    internal static long NextCheckpointNumber(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = Command(connection, transaction, "SELECT COALESCE(MAX(number), 0) + 1 FROM audit_checkpoints");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private AuditCheckpoint? SignHead(SqliteConnection connection, SqliteTransaction? transaction, DateTimeOffset time, CheckpointReason reason, bool onlyWhenUncovered)
    {
        ArgumentNullException.ThrowIfNull(connection);
        CheckTransaction(connection, transaction);
        var own = transaction is null ? connection.BeginTransaction() : null;
        var tx = transaction ?? own!;
        try
        {
            var head = Head(connection, tx);
            if (head is null || (onlyWhenUncovered && LastCheckpointSeq(connection, tx) == head.Value.Seq))
            {
                own?.Commit();
                return null;
            }

            if (TailProblem(connection, tx, CheckpointInterval) is { } problem)
            {
                throw new AuditIntegrityException($"refusing to sign the audit trail's head (entry {head.Value.Seq}): {problem}; run exg audit verify");
            }

            var checkpoint = Sign(connection, tx, head.Value, AuditChain.ToStoredPrecision(time), reason);
            own?.Commit();
            return checkpoint;
        }
        finally
        {
            own?.Dispose();
        }
    }

    private AuditCheckpoint Sign(SqliteConnection connection, SqliteTransaction tx, (long Seq, string Hash) head, DateTimeOffset time, CheckpointReason reason)
    {
        var checkpoint = Signer.Checkpoint(NextCheckpointNumber(connection, tx), head, time, reason);
        using var insert = Command(connection, tx, "INSERT INTO audit_checkpoints (number, seq, hash, time, reason, signer, signature) VALUES ($number, $seq, $hash, $time, $reason, $signer, $signature)");
        insert.Parameters.AddWithValue("$number", checkpoint.Number);
        insert.Parameters.AddWithValue("$seq", checkpoint.Seq);
        insert.Parameters.AddWithValue("$hash", checkpoint.Hash);
        insert.Parameters.AddWithValue("$time", AuditChain.FormatTime(checkpoint.Time));
        insert.Parameters.AddWithValue("$reason", AuditChain.ReasonName(checkpoint.Reason));
        insert.Parameters.AddWithValue("$signer", checkpoint.Signer);
        insert.Parameters.AddWithValue("$signature", checkpoint.Signature);
        insert.ExecuteNonQuery();
        return checkpoint;
    }
}
