using System.Numerics;

namespace ExchangeGateway.Audit;

/// <summary>
/// The tree over leaves appended one at a time, kept as its complete subtrees only (a "compact range": one hash per
/// set bit of the size), so the root of every prefix is known in O(log n) memory. The verifier and the export compute
/// the roots that checkpoints sign with it while they stream the trail; the tree extension finds the nodes to store.
/// </summary>
public sealed class MerkleRange
{
    // The complete subtrees, largest (leftmost) first: stack[i] covers 2^levels[i] leaves.
    private readonly List<(int Level, byte[] Hash)> stack = [];

    /// <summary>How many leaves the range covers.</summary>
    public long Size { get; private set; }

    /// <summary>
    /// The range over the first <paramref name="size"/> leaves of a tree whose complete subtrees <paramref name="nodes"/>
    /// holds (the stored tree); InvalidOperationException when one is missing.
    /// </summary>
    public static MerkleRange Of(IMerkleNodes nodes, long size)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var range = new MerkleRange { Size = size };
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            var count = 1L << level;
            if ((size & count) != 0)
            {
                range.stack.Add((level, nodes.Find(start, count) ?? throw new InvalidOperationException($"audit tree node {level}/{start >> level} is missing")));
                start += count;
            }
        }

        return range;
    }

    /// <summary>
    /// Appends a leaf hash; <paramref name="completed"/>, when given, hears of every node the leaf completes (the leaf
    /// itself at level 0, then each parent it finishes), as (level, index, hash).
    /// </summary>
    public void Append(byte[] leafHash, Action<int, long, byte[]>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        var (level, index, hash) = (0, Size, leafHash);
        completed?.Invoke(level, index, hash);
        while (stack.Count > 0 && stack[^1].Level == level)
        {
            hash = MerkleTree.NodeHash(stack[^1].Hash, hash);
            stack.RemoveAt(stack.Count - 1);
            (level, index) = (level + 1, index >> 1);
            completed?.Invoke(level, index, hash);
        }

        stack.Add((level, hash));
        Size++;
    }

    /// <summary>The root of the leaves appended so far (the empty tree's for none).</summary>
    public byte[] Root()
    {
        if (stack.Count == 0)
        {
            return MerkleTree.EmptyRoot();
        }

        // Right to left: the smaller subtrees fold into the larger ones, as the tree's split rule has it.
        var hash = stack[^1].Hash;
        for (var i = stack.Count - 2; i >= 0; i--)
        {
            hash = MerkleTree.NodeHash(stack[i].Hash, hash);
        }

        return hash;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Size} leaves in {BitOperations.PopCount((ulong)Size)} subtrees";
}
