using System.Numerics;
using System.Security.Cryptography;

namespace ExchangeGateway.Audit;

/// <summary>
/// The Merkle tree of RFC 6962 §2.1 over the audit entries in seq order: leaf and node hashes, the root (tree head),
/// inclusion and consistency proofs, and their verification as RFC 9162 §2.1.3–2.1.4 gives it. Pure: callers hand in
/// leaf hashes, or ask for a subtree's hash through <see cref="IMerkleNodes"/> so that stored nodes serve.
/// </summary>
public static class MerkleTree
{
    /// <summary>Bytes in every hash of the tree (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    /// <summary>A leaf's hash: SHA-256(0x00 ‖ the entry's canonical bytes).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var buffer = new byte[entry.Length + 1];
        buffer[0] = LeafPrefix;
        entry.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>An interior node's hash: SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2): where RFC 6962 splits a tree of n leaves.</summary>
    public static long Split(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        return (long)BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;
    }

    /// <summary>The root of the tree over <paramref name="leafHashes"/> (MTH of RFC 6962 §2.1).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return leafHashes.Count == 0 ? EmptyRoot() : Root(new LeafList(leafHashes), 0, leafHashes.Count);
    }

    /// <summary>The hash of the subtree over leaves [start, start + count), asking <paramref name="nodes"/> for any it holds.</summary>
    public static byte[] Root(IMerkleNodes nodes, long start, long count)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (nodes.Find(start, count) is { } known)
        {
            return known;
        }

        if (count == 1)
        {
            throw new InvalidOperationException($"leaf {start} has no hash");
        }

        var k = Split(count);
        return NodeHash(Root(nodes, start, k), Root(nodes, start + k, count - k));
    }

    /// <summary>The inclusion proof (audit path, RFC 6962 §2.1.1) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IMerkleNodes nodes, long index, long size)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"not a leaf of a tree of {size}");
        }

        var path = new List<byte[]>();
        Path(nodes, index, 0, size, path);
        return path;
    }

    /// <summary>As <see cref="InclusionProof(IMerkleNodes, long, long)"/>, over leaf hashes in memory.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, long index)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return InclusionProof(new LeafList(leafHashes), index, leafHashes.Count);
    }

    /// <summary>
    /// The consistency proof (RFC 6962 §2.1.2) between the tree of its first <paramref name="oldSize"/> leaves and the
    /// tree of <paramref name="newSize"/>; empty when the old tree is empty or the same size.
    /// </summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IMerkleNodes nodes, long oldSize, long newSize)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (oldSize < 0 || oldSize > newSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), oldSize, $"not a size from 0 to {newSize}");
        }

        var proof = new List<byte[]>();
        if (oldSize > 0 && oldSize < newSize)
        {
            SubProof(nodes, oldSize, 0, newSize, true, proof);
        }

        return proof;
    }

    /// <summary>As <see cref="ConsistencyProof(IMerkleNodes, long, long)"/>, over leaf hashes in memory (the new tree is all of them).</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, long oldSize)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return ConsistencyProof(new LeafList(leafHashes), oldSize, leafHashes.Count);
    }

    /// <summary>True when <paramref name="proof"/> shows the leaf at <paramref name="leafIndex"/> in the tree of <paramref name="root"/> (RFC 9162 §2.1.3.2).</summary>
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != HashSize || root.Length != HashSize || proof.Any(p => p is not { Length: HashSize }))
        {
            return false;
        }

        var (fn, sn) = (leafIndex, treeSize - 1);
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, root);
    }

    /// <summary>
    /// True when <paramref name="proof"/> shows the tree of <paramref name="secondRoot"/> extends the tree of
    /// <paramref name="firstRoot"/> (RFC 9162 §2.1.4.2); the empty tree (its root, or none given) is extended by any, an equal size needs equal roots and no proof.
    /// </summary>
    public static bool VerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (first < 0 || first > second || secondRoot.Length != HashSize || proof.Any(p => p is not { Length: HashSize }))
        {
            return false;
        }

        if (first == 0)
        {
            return proof.Count == 0 && (firstRoot.IsEmpty || firstRoot.SequenceEqual(EmptyRoot()));
        }

        if (firstRoot.Length != HashSize)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRoot, secondRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = BitOperations.IsPow2(first) ? proof.Prepend(firstRoot.ToArray()).ToList() : [.. proof];
        var (fn, sn) = (first - 1, second - 1);
        while ((fn & 1) == 1)
        {
            (fn, sn) = (fn >> 1, sn >> 1);
        }

        var (fr, sr) = (path[0], path[0]);
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                (fr, sr) = (NodeHash(c, fr), NodeHash(c, sr));
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, firstRoot) && CryptographicOperations.FixedTimeEquals(sr, secondRoot);
    }

    // PATH(m, D[start, start + count)) of RFC 6962 §2.1.1, the sibling nearest the root last.
    private static void Path(IMerkleNodes nodes, long m, long start, long count, List<byte[]> path)
    {
        if (count == 1)
        {
            return;
        }

        var k = Split(count);
        if (m < k)
        {
            Path(nodes, m, start, k, path);
            path.Add(Root(nodes, start + k, count - k));
        }
        else
        {
            Path(nodes, m - k, start + k, count - k, path);
            path.Add(Root(nodes, start, k));
        }
    }

    // SUBPROOF(m, D[start, start + count), b) of RFC 6962 §2.1.2.
    private static void SubProof(IMerkleNodes nodes, long m, long start, long count, bool whole, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!whole)
            {
                proof.Add(Root(nodes, start, count));
            }

            return;
        }

        var k = Split(count);
        if (m <= k)
        {
            SubProof(nodes, m, start, k, whole, proof);
            proof.Add(Root(nodes, start + k, count - k));
        }
        else
        {
            SubProof(nodes, m - k, start + k, count - k, false, proof);
            proof.Add(Root(nodes, start, k));
        }
    }

    // Leaf hashes in memory: only the leaves are known, every interior node is computed.
    private sealed class LeafList(IReadOnlyList<byte[]> leaves) : IMerkleNodes
    {
        public byte[]? Find(long start, long count) => count == 1 ? leaves[checked((int)start)] : null;
    }
}

/// <summary>Hashes of a tree's subtrees where they are known (stored or cached); the leaves' at least.</summary>
public interface IMerkleNodes
{
    /// <summary>The hash of the subtree over leaves [start, start + count), or null when not held (a leaf's is always held).</summary>
    byte[]? Find(long start, long count);
}
