using System.Text;

namespace ExchangeGateway.Audit.Tests;

/// <summary>An agency keeping the gateway's checkpoints: what it keeps, what it refuses, and what it holds as evidence.</summary>
[Collection(PkiCollection.Name)]
public sealed class CheckpointWitnessTests(PkiFixture pki)
{
    private static readonly List<byte[]> Leaves = [.. Enumerable.Range(0, 40).Select(i => MerkleTree.LeafHash([(byte)i]))];

    [Fact]
    public async Task The_first_checkpoint_is_kept_a_later_consistent_one_too_and_the_same_one_again_is_not_written_twice()
    {
        using var folder = new TempFolder();
        var witness = new CheckpointWitness(folder.Path, CheckpointKeys.Load(pki.Folder));

        var first = await witness.ObserveAsync(Header(Head(10)), Proofs(Leaves));
        var again = await witness.ObserveAsync(Header(Head(10)), Proofs(Leaves));
        var later = await witness.ObserveAsync(Header(Head(25)), Proofs(Leaves));
        var older = await witness.ObserveAsync(Header(Head(7)), Proofs(Leaves));

        Assert.Equal([WitnessVerdict.Kept, WitnessVerdict.AlreadyKept, WitnessVerdict.Kept, WitnessVerdict.Kept], new[] { first, again, later, older }.Select(o => o.Verdict));
        Assert.Equal(3, Directory.GetFiles(folder.Path, "*" + WitnessCheckpoint.FileExtension).Length);
        Assert.All(WitnessCheckpoint.LoadFolder(folder.Path, CheckpointKeys.Load(pki.Folder)), kept => Assert.Null(kept.Refusal));
    }

    [Fact]
    public async Task A_checkpoint_of_another_tree_is_kept_apart_as_evidence_and_said_loudly()
    {
        using var folder = new TempFolder();
        var witness = new CheckpointWitness(folder.Path, CheckpointKeys.Load(pki.Folder));
        await witness.ObserveAsync(Header(Head(20)), Proofs(Leaves));
        var rewritten = Leaves.Select((leaf, i) => i == 3 ? MerkleTree.LeafHash([99]) : leaf).ToList();

        var forked = await witness.ObserveAsync(Header(Head(30, rewritten)), Proofs(rewritten));
        var sameSize = await witness.ObserveAsync(Header(Head(20, rewritten)), Proofs(rewritten));

        Assert.Equal(WitnessVerdict.Inconsistent, forked.Verdict);
        Assert.StartsWith("THE GATEWAY'S AUDIT LOG CONTRADICTS A CHECKPOINT KEPT HERE", forked.Message, StringComparison.Ordinal);
        Assert.Contains("000000000020-", forked.Message, StringComparison.Ordinal);
        Assert.Equal(WitnessVerdict.Inconsistent, sameSize.Verdict);
        Assert.Equal(2, Directory.GetFiles(folder.Path, "*" + CheckpointWitness.InconsistentExtension).Length);
        Assert.Single(Directory.GetFiles(folder.Path, "*" + WitnessCheckpoint.FileExtension));
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_refused_and_one_without_a_proof_is_not_kept()
    {
        using var folder = new TempFolder();
        var witness = new CheckpointWitness(folder.Path, CheckpointKeys.Load(pki.Folder));
        await witness.ObserveAsync(Header(Head(5)), Proofs(Leaves));

        var forged = await witness.ObserveAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(TreeHead.Of(PkiFixture.Origin, 9, MerkleTree.Root(Leaves[..9])).Sign(RogueKey()))), Proofs(Leaves));
        var unproved = await witness.ObserveAsync(Header(Head(9)), (_, _) => Task.FromResult(ConsistencyAnswer.None));
        var refused = await witness.ObserveAsync(Header(Head(3)), (_, _) => Task.FromResult(new ConsistencyAnswer(null, "400 to: the tree covers 3 entries")));
        var notBase64 = await witness.ObserveAsync("%%%", Proofs(Leaves));

        Assert.Equal(WitnessVerdict.Invalid, forged.Verdict);
        Assert.Contains("not its own", forged.Message, StringComparison.Ordinal);
        Assert.Equal(WitnessVerdict.Unchecked, unproved.Verdict);
        Assert.Equal(WitnessVerdict.Inconsistent, refused.Verdict);
        Assert.Contains("will not prove", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WitnessVerdict.Invalid, notBase64.Verdict);
        Assert.Single(Directory.GetFiles(folder.Path, "*" + WitnessCheckpoint.FileExtension));
    }

    private string Head(int size, IReadOnlyList<byte[]>? leaves = null) =>
        TreeHead.Of(PkiFixture.Origin, size, MerkleTree.Root([.. (leaves ?? Leaves).Take(size)])).Sign(NoteKey.Load(PkiFixture.Origin, Path.Combine(pki.Folder, CheckpointSigner.KeyFile)));

    private static NoteKey RogueKey() => new(PkiFixture.Origin, new byte[32]);

    private static string Header(string note) => Convert.ToBase64String(Encoding.UTF8.GetBytes(note));

    private static Func<long, long, Task<ConsistencyAnswer>> Proofs(IReadOnlyList<byte[]> leaves) =>
        (from, to) => Task.FromResult(new ConsistencyAnswer(new ConsistencyProof(from, to, from == 0 ? [] : MerkleTree.ConsistencyProof([.. leaves.Take((int)to)], from)), null));
}
