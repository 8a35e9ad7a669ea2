namespace ExchangeGateway.Audit.Tests;

/// <summary>The compact range: the tree's roots while leaves stream past, and the nodes each leaf completes.</summary>
public sealed class MerkleRangeTests
{
    private static readonly List<byte[]> Leaves = [.. Enumerable.Range(0, 70).Select(i => MerkleTree.LeafHash([(byte)i, (byte)(i >> 8)]))];

    [Fact]
    public void The_root_after_every_leaf_is_the_root_of_that_many_leaves()
    {
        var range = new MerkleRange();
        Assert.Equal(MerkleTree.EmptyRoot(), range.Root());
        for (var size = 1; size <= Leaves.Count; size++)
        {
            range.Append(Leaves[size - 1]);
            Assert.Equal(MerkleTree.Root(Leaves[..size]), range.Root());
            Assert.Equal(size, range.Size);
        }
    }

    [Fact]
    public void The_nodes_a_leaf_completes_are_the_complete_subtrees_and_a_range_rebuilt_from_them_goes_on_alike()
    {
        var nodes = new Dictionary<(long Start, long Count), byte[]>();
        var range = new MerkleRange();
        foreach (var leaf in Leaves[..45])
        {
            range.Append(leaf, (level, index, hash) => nodes.Add((index << level, 1L << level), hash));
        }

        foreach (var ((start, count), hash) in nodes)
        {
            Assert.Equal(MerkleTree.Root(Leaves.GetRange((int)start, (int)count)), hash);
        }

        Assert.Equal(45 + 22 + 11 + 5 + 2 + 1, nodes.Count);
        var rebuilt = MerkleRange.Of(new Known(nodes), 45);
        Assert.Equal(range.Root(), rebuilt.Root());
        foreach (var leaf in Leaves[45..])
        {
            rebuilt.Append(leaf);
        }

        Assert.Equal(MerkleTree.Root(Leaves), rebuilt.Root());
    }

    [Fact]
    public void A_range_over_stored_nodes_refuses_a_missing_subtree() =>
        Assert.Throws<InvalidOperationException>(() => MerkleRange.Of(new Known([]), 3));

    private sealed class Known(Dictionary<(long Start, long Count), byte[]> nodes) : IMerkleNodes
    {
        public byte[]? Find(long start, long count) => nodes.GetValueOrDefault((start, count));
    }
}
