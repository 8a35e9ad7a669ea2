namespace ExchangeGateway.Audit.Tests;

/// <summary>The Merkle tree as stored behind the trail: built in batches, it gives the roots and proofs of the tree over the entries.</summary>
[Collection(PkiCollection.Name)]
public sealed class StoredTreeTests(PkiFixture pki)
{
    [Fact]
    public void The_tree_built_in_batches_has_the_root_of_the_entries_leaves_at_every_size_and_proofs_from_stored_nodes_verify()
    {
        using var trail = new Trail(pki, entries: 13, shutdown: false, tree: false);
        Assert.Equal(0, trail.Read(AuditLog.TreeSize));

        Assert.Equal(new TreeExtension(5, null), trail.Write(audit => trail.Log.ExtendTree(audit, 5)));
        Assert.Equal(new TreeExtension(8, null), trail.Write(audit => trail.Log.ExtendTree(audit)));
        Assert.Equal(new TreeExtension(0, null), trail.Write(audit => trail.Log.ExtendTree(audit)));

        var leaves = trail.Entries().Select(AuditTree.Leaf).ToList();
        Assert.Equal(13, trail.Read(AuditLog.TreeSize));
        for (var size = 0; size <= 13; size++)
        {
            Assert.Equal(MerkleTree.Root(leaves[..size]), trail.Read(audit => AuditLog.TreeRoot(audit, size)));
        }

        var root = MerkleTree.Root(leaves);
        for (var index = 0; index < 13; index++)
        {
            var proof = trail.Read(audit => MerkleTree.InclusionProof(AuditLog.TreeNodes(audit), index, 13));
            Assert.True(MerkleTree.VerifyInclusion(index, 13, leaves[index], proof, root));
        }

        var consistency = trail.Read(audit => MerkleTree.ConsistencyProof(AuditLog.TreeNodes(audit), 6, 13));
        Assert.True(MerkleTree.VerifyConsistency(6, 13, MerkleTree.Root(leaves[..6]), root, consistency));
    }

    [Fact]
    public void Entries_appended_after_the_tree_are_covered_by_the_next_extension_and_a_size_beyond_the_tree_is_refused()
    {
        using var trail = new Trail(pki, entries: 4, shutdown: false, tree: false);
        trail.Write(audit => trail.Log.ExtendTree(audit));
        trail.Add(5);
        trail.Add(6);

        Assert.Throws<ArgumentOutOfRangeException>(() => trail.Read(audit => AuditLog.TreeRoot(audit, 6)));
        Assert.Equal(2, trail.Write(audit => trail.Log.ExtendTree(audit)).Added);
        Assert.Equal(MerkleTree.Root(trail.Entries().Select(AuditTree.Leaf).ToList()), trail.Read(audit => AuditLog.TreeRoot(audit, 6)));
    }

    [Fact]
    public void The_tree_stops_before_a_row_whose_stored_text_no_longer_gives_its_hash()
    {
        using var trail = new Trail(pki, entries: 5, shutdown: false, tree: false);
        trail.DropTriggers();
        trail.Sql("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3");

        Assert.Equal(new TreeExtension(2, 3), trail.Write(audit => trail.Log.ExtendTree(audit)));
        Assert.Equal(2, trail.Read(AuditLog.TreeSize));
    }
}
