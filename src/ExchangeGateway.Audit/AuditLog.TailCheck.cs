namespace ExchangeGateway.Audit;

/// <summary>The trail refuses to sign over entries it cannot vouch for.</summary>
public sealed class AuditIntegrityException(string message) : InvalidOperationException(message);

/// <summary>
/// Before signing a head: the entries no checkpoint covers yet must be few (one is signed every
/// <see cref="CheckpointInterval"/> entries in the appending transaction) and must chain to the newest checkpoint.
/// Without this, deleting the checkpoints and rewriting the entries would be made good by the next signature (at the
/// next start, on the timer, or by an export).
/// </summary>
public sealed partial class AuditLog
{
    /// <summary>Why the uncovered tail of the trail cannot be signed, or null when it can.</summary>
    public static string? TailProblem(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction? transaction, int checkpointInterval)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var head = Head(connection, transaction);
        if (head is null)
        {
            return null;
        }

        var newest = Checkpoints(connection, transaction).OrderByDescending(c => c.Number).FirstOrDefault();
        var coveredSeq = newest?.Seq ?? 0;
        var uncovered = head.Value.Seq - coveredSeq;
        if (uncovered > checkpointInterval)
        {
            return newest is null
                ? $"no checkpoint covers any of its {head.Value.Seq} entries, though one is signed every {checkpointInterval}: checkpoints were deleted"
                : $"{uncovered} entries follow the newest checkpoint (#{newest.Number}, entry {newest.Seq}), more than the {checkpointInterval} between checkpoints: checkpoints were deleted";
        }

        var previous = AuditChain.Genesis;
        if (newest is not null)
        {
            var signed = Entries(connection, transaction, newest.Seq).FirstOrDefault();
            if (signed is null || signed.Seq != newest.Seq || signed.Hash != newest.Hash)
            {
                return $"entry {newest.Seq} is not the entry checkpoint #{newest.Number} signed";
            }

            previous = signed.Hash;
        }

        foreach (var entry in Entries(connection, transaction, coveredSeq + 1))
        {
            if (entry.PrevHash != previous || AuditChain.ComputeHash(entry) != entry.Hash)
            {
                return $"entry {entry.Seq} does not chain to the entry before it";
            }

            previous = entry.Hash;
        }

        return null;
    }

    /// <summary>
    /// The interval the trail was written with, read from its first interval checkpoint (signed at entry N for an
    /// interval of N); the default when it has none. For readers (an export) that do not know the gateway's setting.
    /// </summary>
    public static int IntervalOf(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction? transaction)
    {
        var first = Checkpoints(connection, transaction).Where(c => c.Reason == CheckpointReason.Interval).Select(c => c.Seq).DefaultIfEmpty(DefaultCheckpointInterval).Min();
        return (int)Math.Clamp(first, 1, DefaultCheckpointInterval);
    }
}
