using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Audit.Tests;

public class TreeHeadTests
{
    private const string Origin = "exchange-gateway.example/audit";

    private static readonly byte[] Root = SHA256.HashData(Encoding.UTF8.GetBytes("root"));

    private static NoteKey Key { get; } = new("exchange-gateway.example/audit", SHA256.HashData(Encoding.UTF8.GetBytes("dev seed")));

    [Fact]
    public void A_tree_head_is_origin_size_and_base64_root_each_on_its_own_line() =>
        Assert.Equal($"{Origin}\n1234\n{Convert.ToBase64String(Root)}\n", TreeHead.Of(Origin, 1234, Root).Text);

    [Fact]
    public void A_tree_head_reads_back_and_extension_lines_are_ignored()
    {
        var head = TreeHead.Of(Origin, 0, MerkleTree.EmptyRoot());

        Assert.Equal(head, TreeHead.Parse(head.Text));
        Assert.Equal(head, TreeHead.Parse(head.Text + "extension line\n"));
    }

    [Theory]
    [InlineData("origin\n5\n", "at least three lines")]
    [InlineData("\n5\nROOT\n", "line 1")]
    [InlineData("origin\n05\nROOT\n", "line 2")]
    [InlineData("origin\n-5\nROOT\n", "line 2")]
    [InlineData("origin\nfive\nROOT\n", "line 2")]
    [InlineData("origin\n5\nAAAA\n", "line 3")]
    [InlineData("origin\n5\nROOT", "at least three lines")]
    [InlineData("origin\n5\nROOT\n\n", "line 4")]
    public void A_malformed_checkpoint_is_refused_naming_the_line(string text, string named)
    {
        var ex = Assert.Throws<FormatException>(() => TreeHead.Parse(text.Replace("ROOT", Convert.ToBase64String(Root), StringComparison.Ordinal)));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_checkpoint_verifies_under_its_key_and_not_once_its_size_is_changed()
    {
        var head = TreeHead.Of(Origin, 8, Root);
        var note = head.Sign(Key);

        Assert.Equal(head, TreeHead.Verified(note, Origin, Key.Name, Key.PublicKey));
        Assert.Null(TreeHead.Verified(note.Replace("\n8\n", "\n7\n", StringComparison.Ordinal), Origin, Key.Name, Key.PublicKey));
        Assert.Null(TreeHead.Verified(TreeHead.Of("another.example/log", 8, Root).Sign(Key), Origin, Key.Name, Key.PublicKey));
    }

    [Fact]
    public void An_entrys_leaf_is_its_canonical_form_under_the_leaf_prefix_and_its_chain_hash_the_same_bytes_unprefixed()
    {
        var entry = new AuditEntry(1, new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero), AuditEventTypes.DeliveryResult, "gateway", [],
            new Dictionary<string, AuditValue> { ["recipient"] = "B82005" }, AuditChain.Genesis, "");
        var canonical = Encoding.UTF8.GetBytes(AuditChain.CanonicalForm(entry));

        Assert.Equal(SHA256.HashData([0x00, .. canonical]), AuditTree.Leaf(entry));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(canonical)), AuditChain.ComputeHash(entry));
    }

    [Fact]
    public void Proofs_print_and_read_back_as_the_documented_json_and_prove_against_signed_heads()
    {
        var leaves = Enumerable.Range(0, 11).Select(i => MerkleTree.LeafHash([(byte)i])).ToList();
        var older = TreeHead.Of(Origin, 6, MerkleTree.Root(leaves[..6]));
        var newer = TreeHead.Of(Origin, 11, MerkleTree.Root(leaves));
        var inclusion = new InclusionProof(4, 11, leaves[4], MerkleTree.InclusionProof(leaves, 4));
        var consistency = new ConsistencyProof(6, 11, MerkleTree.ConsistencyProof(leaves, 6));

        Assert.StartsWith("{\"leafIndex\":4,\"treeSize\":11,\"leafHash\":\"", inclusion.ToJson(), StringComparison.Ordinal);
        Assert.StartsWith("{\"from\":6,\"to\":11,\"hashes\":[\"", consistency.ToJson(), StringComparison.Ordinal);
        Assert.True(InclusionProof.Parse(inclusion.ToJson()).ProvesIn(newer));
        Assert.False(inclusion.ProvesIn(older));
        Assert.True(ConsistencyProof.Parse(consistency.ToJson()).Proves(older, newer));
        Assert.False(consistency.Proves(older with { RootHash = leaves[0] }, newer));
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"treeSize\":3,\"leafHash\":\"H\",\"hashes\":[]}", "leafIndex")]
    [InlineData("{\"leafIndex\":-1,\"treeSize\":3,\"leafHash\":\"H\",\"hashes\":[]}", "leafIndex")]
    [InlineData("{\"leafIndex\":1,\"treeSize\":3,\"leafHash\":\"AAAA\",\"hashes\":[]}", "leafHash")]
    [InlineData("{\"leafIndex\":1,\"treeSize\":3,\"leafHash\":\"H\",\"hashes\":[\"H\",\"x\"]}", "hashes[1]")]
    [InlineData("{\"leafIndex\":1,\"treeSize\":3,\"leafHash\":\"H\"}", "hashes")]
    [InlineData("{not json", "not JSON")]
    public void A_malformed_proof_is_refused_naming_the_field(string json, string named)
    {
        var ex = Assert.Throws<FormatException>(() => InclusionProof.Parse(json.Replace("\"H\"", $"\"{Convert.ToBase64String(Root)}\"", StringComparison.Ordinal)));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
