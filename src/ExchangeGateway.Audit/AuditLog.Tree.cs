using System.Numerics;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>What one extension of the tree did: entries added, and the seq of a row it stopped at because the row's text no longer gives its hash.</summary>
public sealed record TreeExtension(int Added, long? StoppedAtSeq);

/// <summary>The Merkle tree over the trail, stored as its complete subtrees and extended behind the trail.</summary>
public sealed partial class AuditLog
{
    /// <summary>
    /// How far the tree may fall behind the head before an append extends it itself (the background indexer normally
    /// keeps it within a second's entries). With it the entries no checkpoint covers are bounded, as they were when
    /// appends signed: by twice this plus the interval, past which <see cref="TailProblem"/> says checkpoints were deleted.
    /// </summary>
    public int MaxTreeLag { get; }
    public const int DefaultMaxTreeLag = 5_000;

    // The tree's size as last read under its lock: never more than the committed size, so a stale value only makes an
    // append look at the tree again.
    private long treeSizeSeen;

    /// <summary>
    /// Extends the stored tree over up to <paramref name="maxEntries"/> entries it does not cover yet, in the caller's
    /// unit of work: each entry's leaf, and every complete subtree that leaf finishes; and signs an interval checkpoint
    /// (a signed tree head) each time the tree reaches a multiple of <see cref="CheckpointInterval"/>. A caller that gets
    /// <paramref name="maxEntries"/> back knows there is more. Stops before a malformed entry (its leaf cannot be known;
    /// the verifier reports it), so the tree never covers a row it could not read, and says so
    /// (<see cref="TreeExtension.StoppedAtSeq"/>) for the caller to report.
    /// </summary>
    public TreeExtension ExtendTree(IAuditStore store, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);

        // Two instances extending at once would both start from the same size; the second waits and reads the new one.
        // Checkpoints are numbered under this lock too.
        store.LockTree();
        var size = store.TreeSize();
        Interlocked.Exchange(ref treeSizeSeen, size);
        if (UncoveredProblem(store) is { } problem)
        {
            // Deleting the checkpoints and the tree and rewriting the entries must not be signed over by the tree either.
            throw new AuditIntegrityException($"refusing to extend the audit tree: {problem}; run exg audit verify");
        }

        var previous = size == 0 ? AuditChain.Genesis : store.EntryPage(size, 1) is [{ Row: { } last }] ? last.Hash : null;
        var range = MerkleRange.Of(new StoredTree(store), size);
        var nodes = new List<(int Level, long Index, byte[] Hash)>();
        var interval = new List<((long Seq, string Hash) Head, byte[] Root, DateTimeOffset Time)>();
        long? stoppedAt = null;
        foreach (var row in store.EntryPage(size + 1, maxEntries))
        {
            // The leaf covers the very bytes the row's chain hash covers, put together from the stored text as the
            // appender did; a row whose text does not give its hash (malformed or altered) ends the batch.
            // It must also link to the entry before it, as the chain trigger made it on insert.
            if (row.Row is not { } stored || stored.Seq != range.Size + 1 || stored.PrevHash != previous || LeafOf(stored) is not { } leaf
                || !AuditChain.TryParseTime(stored.Time, out var time))
            {
                stoppedAt = row.Key ?? range.Size + 1;
                break;
            }

            previous = stored.Hash;
            range.Append(leaf, (level, index, hash) => nodes.Add((level, index, hash)));
            if (range.Size % CheckpointInterval == 0)
            {
                interval.Add(((stored.Seq, stored.Hash), range.Root(), time));
            }
        }

        store.InsertTreeNodes(nodes);
        foreach (var (head, root, time) in interval)
        {
            Sign(store, head, root, time, CheckpointReason.Interval);
        }

        return new TreeExtension((int)(range.Size - size), stoppedAt);
    }

    /// <summary>
    /// After an append reaching <paramref name="headSeq"/>: when the tree has fallen more than <see cref="MaxTreeLag"/>
    /// behind (its builder stopped or cannot keep up), extends it here, in the append's unit of work, so that what no
    /// checkpoint covers stays bounded. Costs nothing while the builder keeps up.
    /// </summary>
    private void KeepTreeNear(IAuditStore store, long headSeq)
    {
        if (headSeq - Interlocked.Read(ref treeSizeSeen) <= MaxTreeLag)
        {
            return;
        }

        try
        {
            if (ExtendTree(store, (int)Math.Min(int.MaxValue, headSeq - Interlocked.Read(ref treeSizeSeen))).StoppedAtSeq is null)
            {
                return;
            }
        }
        catch (AuditIntegrityException)
        {
            // The trail was changed behind the gateway: the builder and the signers report it; the append goes on.
        }

        // A row the tree cannot take, or a trail it must not sign: appends do not try again on every call.
        Interlocked.Exchange(ref treeSizeSeen, headSeq);
    }

    /// <summary>Extends the tree to the head (under the head lock, so it stays there); AuditIntegrityException when an entry stops it.</summary>
    private void ExtendTreeToHead(IAuditStore store, long headSeq)
    {
        while (store.TreeSize() < headSeq)
        {
            var extension = ExtendTree(store);
            if (extension.StoppedAtSeq is { } seq)
            {
                throw new AuditIntegrityException($"refusing to sign the audit trail's head (entry {headSeq}): entry {seq} no longer gives its stored hash; run exg audit verify");
            }

            if (extension.Added == 0)
            {
                throw new AuditIntegrityException($"refusing to sign the audit trail's head (entry {headSeq}): the tree stops at {store.TreeSize()} entries; run exg audit verify");
            }
        }
    }

    // The leaf of a stored row, or null when its text does not give its stored hash.
    private static byte[]? LeafOf(StoredAuditEntry stored)
    {
        var canonical = AuditChain.EntryForm.Of(stored.Actor, stored.Details, stored.Subjects, stored.Type)
            .Canonical(stored.PrevHash, stored.Seq, CanonicalJson.Value(stored.Time));
        var bytes = System.Text.Encoding.UTF8.GetBytes(canonical);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) == stored.Hash ? MerkleTree.LeafHash(bytes) : null;
    }

    /// <summary>How many entries the stored tree covers.</summary>
    public static long TreeSize(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.TreeSize();
    }

    /// <summary>The stored tree as <see cref="IMerkleNodes"/>: a subtree's hash is read when it is a complete one, else computed from those.</summary>
    public static IMerkleNodes TreeNodes(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new StoredTree(store);
    }

    /// <summary>The root of the first <paramref name="size"/> entries' tree, from stored nodes (at most the stored size).</summary>
    public static byte[] TreeRoot(IAuditStore store, long size)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = store.TreeSize();
        if (size < 0 || size > stored)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the stored tree covers {stored} entries");
        }

        return size == 0 ? MerkleTree.EmptyRoot() : MerkleTree.Root(new StoredTree(store), 0, size);
    }

    // Complete subtrees are stored by (level, index): the one over leaves [start, start + 2^level) with start = index × 2^level.
    private sealed class StoredTree(IAuditStore store) : IMerkleNodes
    {
        public byte[]? Find(long start, long count) =>
            BitOperations.IsPow2(count) && start % count == 0 ? store.TreeNode(BitOperations.Log2((ulong)count), start / count) : null;
    }
}
