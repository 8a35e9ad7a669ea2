using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>The trail refuses to sign over entries it cannot vouch for.</summary>
public sealed class AuditIntegrityException(string message) : InvalidOperationException(message);

/// <summary>
/// Before signing a head: the tree must not reach past a multiple of <see cref="CheckpointInterval"/> the newest
/// checkpoint does not cover (the tree signs one at each), its stored root must be the one the newest checkpoint
/// signed, and the entries after it must chain to it.
/// Without this, deleting the checkpoints and rewriting the entries would be made good by the next signature (at the
/// next start, on the timer, or by an export).
/// </summary>
public sealed partial class AuditLog
{
    /// <summary>Why the uncovered tail of the trail cannot be signed, or null when it can.</summary>
    public static string? TailProblem(IAuditStore store, int checkpointInterval, int maxTreeLag = DefaultMaxTreeLag)
    {
        ArgumentNullException.ThrowIfNull(store);
        var head = store.Head();
        if (head is null)
        {
            return null;
        }

        // Only the newest checkpoint matters here, and this runs on the gateway's timer: one row, not the whole table.
        // The tree signs one every interval entries as it grows, so past the last multiple it covers there must be one.
        var newest = store.NewestCheckpoint();
        var coveredSeq = newest?.Seq ?? 0;
        var treeSize = store.TreeSize();
        var lastMultiple = treeSize - (treeSize % checkpointInterval);
        if (lastMultiple > coveredSeq)
        {
            return newest is null
                ? $"no checkpoint covers any of its entries, though the tree covers {treeSize} and one is signed every {checkpointInterval}: checkpoints were deleted"
                : $"the tree covers {treeSize} entries but the newest checkpoint (#{newest.Number}) signs entry {newest.Seq}, though one is signed every {checkpointInterval}: checkpoints were deleted";
        }

        if (UncoveredProblem(head.Value.Seq, newest, checkpointInterval, maxTreeLag) is { } uncovered)
        {
            return uncovered;
        }

        if (newest is not null && TreeProblem(store, newest, treeSize) is { } treeProblem)
        {
            return treeProblem;
        }

        // One pass from the signed entry (or the first) to the head.
        var previous = AuditChain.Genesis;
        var signedSeen = newest is null;
        foreach (var entry in Entries(store, Math.Max(coveredSeq, 1)))
        {
            if (!signedSeen)
            {
                if (entry.Seq != newest!.Seq || entry.Hash != newest.Hash)
                {
                    return $"entry {newest.Seq} is not the entry checkpoint #{newest.Number} signed";
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

        return signedSeen ? null : $"entry {newest!.Seq} is not the entry checkpoint #{newest.Number} signed";
    }

    // More entries past the newest checkpoint than an intact trail can hold (the tree's lag is bounded by the appends,
    // and the tree signs one every interval): checkpoints were deleted. A trail shorter than that bound cannot be told
    // from a young one here; the checkpoints agencies keep can.
    private static string? UncoveredProblem(long headSeq, StoredCheckpoint? newest, int checkpointInterval, int maxTreeLag)
    {
        var uncovered = headSeq - (newest?.Seq ?? 0);
        var bound = (2L * maxTreeLag) + checkpointInterval;
        return uncovered <= bound ? null : newest is null
            ? $"no checkpoint covers any of its {headSeq} entries, more than the {bound} an intact trail can hold unsigned: checkpoints were deleted"
            : $"{uncovered} entries follow the newest checkpoint (#{newest.Number}, entry {newest.Seq}), more than the {bound} an intact trail can hold: checkpoints were deleted";
    }

    private string? UncoveredProblem(IAuditStore store) =>
        store.Head() is { } head ? UncoveredProblem(head.Seq, store.NewestCheckpoint(), CheckpointInterval, MaxTreeLag) : null;

    // The stored tree must still give the root the newest checkpoint signed: proofs are made from it.
    private static string? TreeProblem(IAuditStore store, StoredCheckpoint newest, long treeSize)
    {
        if (treeSize < newest.Seq)
        {
            return $"the stored tree covers {treeSize} entries, fewer than checkpoint #{newest.Number} signs ({newest.Seq}): tree nodes were deleted";
        }

        byte[] signedRoot;
        try
        {
            signedRoot = TreeHead.Parse(SignedNote.Parse(CheckpointSigner.NoteOf(newest.Signature)).Text).RootHash;
        }
        catch (FormatException)
        {
            return $"checkpoint #{newest.Number} is not a signed tree head";
        }

        return TreeRoot(store, newest.Seq).AsSpan().SequenceEqual(signedRoot)
            ? null
            : $"the stored tree's root over {newest.Seq} entries is not the root checkpoint #{newest.Number} signed: tree nodes were changed";
    }

    /// <summary>
    /// The interval the trail was written with, read from its first interval checkpoint (signed at entry N for an
    /// interval of N); the default when it has none. For writers that do not know the gateway's setting (an export, the
    /// admin CLI). Bounded, so that a forged first checkpoint far out cannot switch the checks off.
    /// </summary>
    public static int IntervalOf(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var first = store.FirstCheckpointSeq(AuditChain.ReasonName(CheckpointReason.Interval)) ?? DefaultCheckpointInterval;
        return (int)Math.Clamp(first, 1, MaxCheckpointInterval);
    }
}
