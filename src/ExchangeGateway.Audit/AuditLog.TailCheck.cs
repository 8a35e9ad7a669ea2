using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>The trail refuses to sign over entries it cannot vouch for.</summary>
public sealed class AuditIntegrityException(string message) : InvalidOperationException(message);

/// <summary>
/// Before signing a head: the entries no checkpoint covers yet must be few (one is signed every
/// <see cref="CheckpointInterval"/> entries in the appending unit of work) and must chain to the newest checkpoint.
/// Without this, deleting the checkpoints and rewriting the entries would be made good by the next signature (at the
/// next start, on the timer, or by an export).
/// </summary>
public sealed partial class AuditLog
{
    /// <summary>Why the uncovered tail of the trail cannot be signed, or null when it can.</summary>
    public static string? TailProblem(IAuditStore store, int checkpointInterval)
    {
        ArgumentNullException.ThrowIfNull(store);
        var head = store.Head();
        if (head is null)
        {
            return null;
        }

        // Only the newest checkpoint matters here, and this runs on the gateway's timer: one row, not the whole table.
        var newest = store.NewestCheckpoint();
        var coveredSeq = newest?.Seq ?? 0;
        var uncovered = head.Value.Seq - coveredSeq;
        if (uncovered > checkpointInterval)
        {
            return newest is null
                ? $"no checkpoint covers any of its {head.Value.Seq} entries, though one is signed every {checkpointInterval}: checkpoints were deleted"
                : $"{uncovered} entries follow the newest checkpoint (#{newest.Value.Number}, entry {newest.Value.Seq}), more than the {checkpointInterval} between checkpoints: checkpoints were deleted";
        }

        // One pass from the signed entry (or the first) to the head.
        var previous = AuditChain.Genesis;
        var signedSeen = newest is null;
        foreach (var entry in Entries(store, Math.Max(coveredSeq, 1)))
        {
            if (!signedSeen)
            {
                if (entry.Seq != newest!.Value.Seq || entry.Hash != newest.Value.Hash)
                {
                    return $"entry {newest.Value.Seq} is not the entry checkpoint #{newest.Value.Number} signed";
                }

                signedSeen = true;
                previous = entry.Hash;
                continue;
            }

            if (entry.PrevHash != previous || AuditChain.ComputeHash(entry) != entry.Hash)
            {
                return $"entry {entry.Seq} does not chain to the entry before it";
            }

            previous = entry.Hash;
        }

        return signedSeen ? null : $"entry {newest!.Value.Seq} is not the entry checkpoint #{newest.Value.Number} signed";
    }

    /// <summary>
    /// The interval the trail was written with, read from its first interval checkpoint (signed at entry N for an
    /// interval of N); the default when it has none. For readers (an export) that do not know the gateway's setting.
    /// </summary>
    public static int IntervalOf(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var first = store.FirstCheckpointSeq(AuditChain.ReasonName(CheckpointReason.Interval)) ?? DefaultCheckpointInterval;
        return (int)Math.Clamp(first, 1, DefaultCheckpointInterval);
    }
}
