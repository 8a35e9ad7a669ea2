using System.Security.Cryptography;

namespace ExchangeGateway.Audit.Tests;

public class MerkleTreeTests
{
    // The leaves of the Certificate Transparency test vectors (RFC 6962's reference code): varied lengths, one empty.
    private static readonly byte[][] Data =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    private static byte[] L(int i) => SHA256.HashData([0x00, .. Data[i]]);

    private static byte[] N(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    private static List<byte[]> Leaves(int n) => [.. Enumerable.Range(0, n).Select(i => MerkleTree.LeafHash(Encoding(i)))];

    private static byte[] Encoding(int i) => System.Text.Encoding.UTF8.GetBytes($"{{\"seq\":{i + 1}}}");

    [Fact]
    public void The_empty_tree_is_the_hash_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root([])));

    [Fact]
    public void A_leaf_is_hashed_with_a_zero_byte_first_and_a_node_with_a_one() =>
        Assert.Equal(N(L(0), L(1)), MerkleTree.NodeHash(MerkleTree.LeafHash(Data[0]), MerkleTree.LeafHash(Data[1])));

    [Fact]
    public void Roots_of_one_two_three_seven_and_eight_leaves_are_the_hand_composed_hashes()
    {
        var leaves = Data.Select(d => MerkleTree.LeafHash(d)).ToList();

        Assert.Equal(L(0), MerkleTree.Root(leaves[..1]));
        Assert.Equal(N(L(0), L(1)), MerkleTree.Root(leaves[..2]));
        Assert.Equal(N(N(L(0), L(1)), L(2)), MerkleTree.Root(leaves[..3]));
        Assert.Equal(N(N(N(L(0), L(1)), N(L(2), L(3))), N(N(L(4), L(5)), L(6))), MerkleTree.Root(leaves[..7]));
        Assert.Equal(N(N(N(L(0), L(1)), N(L(2), L(3))), N(N(L(4), L(5)), N(L(6), L(7)))), MerkleTree.Root(leaves));
    }

    [Fact]
    public void Roots_match_the_certificate_transparency_test_vectors()
    {
        var leaves = Data.Select(d => MerkleTree.LeafHash(d)).ToList();

        Assert.Equal("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", Convert.ToHexStringLower(MerkleTree.Root(leaves[..1])));
        Assert.Equal("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", Convert.ToHexStringLower(MerkleTree.Root(leaves)));
    }

    [Fact]
    public void Every_leaf_of_every_tree_up_to_32_leaves_is_proved_and_no_other_leaf_or_place_is()
    {
        for (var size = 1; size <= 32; size++)
        {
            var leaves = Leaves(size);
            var root = MerkleTree.Root(leaves);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(leaves, index);

                Assert.True(MerkleTree.VerifyInclusion(index, size, leaves[index], proof, root), $"leaf {index} of {size}");
                Assert.False(MerkleTree.VerifyInclusion(index, size, MerkleTree.LeafHash([0xff]), proof, root));
                Assert.False(MerkleTree.VerifyInclusion(index, size + 1, leaves[index], proof, MerkleTree.Root(Leaves(size + 1))));
                if (size > 1)
                {
                    Assert.False(MerkleTree.VerifyInclusion((index + 1) % size, size, leaves[index], proof, root));
                }
            }
        }
    }

    [Fact]
    public void Every_pair_of_sizes_up_to_32_is_proved_consistent_and_a_changed_old_tree_is_not()
    {
        var all = Leaves(32);
        for (var second = 1; second <= 32; second++)
        {
            var leaves = all[..second];
            var secondRoot = MerkleTree.Root(leaves);
            for (var first = 0; first <= second; first++)
            {
                var firstRoot = MerkleTree.Root(all[..first]);
                var proof = MerkleTree.ConsistencyProof(leaves, first);

                Assert.True(MerkleTree.VerifyConsistency(first, second, firstRoot, secondRoot, proof), $"{first} to {second}");
                if (first > 0)
                {
                    var rewritten = all[..first];
                    rewritten[first - 1] = MerkleTree.LeafHash([0xff]);
                    Assert.False(MerkleTree.VerifyConsistency(first, second, MerkleTree.Root(rewritten), secondRoot, proof), $"rewritten {first} to {second}");
                }
            }
        }
    }

    [Fact]
    public void A_cut_trail_is_not_consistent_with_the_longer_tree_it_was_shown_before()
    {
        var leaves = Leaves(20);
        var earlier = MerkleTree.Root(leaves);
        var cut = leaves[..12];
        cut.AddRange(Leaves(30)[20..28].Select(l => MerkleTree.NodeHash(l, l)));

        // The cut trail grown back to 20 entries with others: its proof from 12 cannot reach the root the agency holds.
        var proof = MerkleTree.ConsistencyProof(cut, 12);
        Assert.False(MerkleTree.VerifyConsistency(20, 20, earlier, MerkleTree.Root(cut), []));
        Assert.True(MerkleTree.VerifyConsistency(12, 20, MerkleTree.Root(cut[..12]), MerkleTree.Root(cut), proof));
        Assert.False(MerkleTree.VerifyConsistency(12, 20, MerkleTree.Root(leaves[..12]), earlier, proof));
    }

    [Fact]
    public void Proofs_of_the_wrong_length_or_shape_are_refused()
    {
        var leaves = Leaves(7);
        var root = MerkleTree.Root(leaves);
        var proof = MerkleTree.InclusionProof(leaves, 3).ToList();

        Assert.False(MerkleTree.VerifyInclusion(3, 7, leaves[3], proof[..^1], root));
        Assert.False(MerkleTree.VerifyInclusion(3, 7, leaves[3], [.. proof, root], root));
        Assert.False(MerkleTree.VerifyInclusion(3, 7, leaves[3], [.. proof[..^1], new byte[5]], root));
        Assert.False(MerkleTree.VerifyInclusion(-1, 7, leaves[3], proof, root));
        Assert.False(MerkleTree.VerifyConsistency(3, 7, MerkleTree.Root(leaves[..3]), root, []));
        Assert.False(MerkleTree.VerifyConsistency(7, 3, root, MerkleTree.Root(leaves[..3]), []));
        Assert.False(MerkleTree.VerifyConsistency(0, 7, [], root, [root]));
        Assert.False(MerkleTree.VerifyConsistency(0, 7, root, root, []));
        Assert.True(MerkleTree.VerifyConsistency(0, 7, MerkleTree.EmptyRoot(), root, []));
    }

    [Fact]
    public void Stored_nodes_serve_a_proof_and_give_the_same_answer_as_leaves_alone()
    {
        var leaves = Leaves(13);
        var stored = new Dictionary<(long, long), byte[]> { [(0, 8)] = MerkleTree.Root(leaves[..8]) };
        var nodes = new Nodes(leaves, stored);

        Assert.Equal(MerkleTree.InclusionProof(leaves, 11), MerkleTree.InclusionProof(nodes, 11, 13));
        Assert.Equal(MerkleTree.ConsistencyProof(leaves, 5), MerkleTree.ConsistencyProof(nodes, 5, 13));
        Assert.True(nodes.AskedFor8);
    }

    [Fact]
    public void The_split_is_the_largest_power_of_two_below_the_size()
    {
        Assert.Equal(new long[] { 1, 2, 2, 4, 4, 4, 4, 8, 16, 16 }, new long[] { 2, 3, 4, 5, 6, 7, 8, 9, 17, 32 }.Select(MerkleTree.Split));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Split(1));
    }

    private sealed class Nodes(List<byte[]> leaves, Dictionary<(long, long), byte[]> stored) : IMerkleNodes
    {
        public bool AskedFor8 { get; private set; }

        public byte[]? Find(long start, long count)
        {
            if (start == 0 && count == 8)
            {
                AskedFor8 = true;
            }

            return count == 1 ? leaves[(int)start] : stored.GetValueOrDefault((start, count));
        }
    }
}
