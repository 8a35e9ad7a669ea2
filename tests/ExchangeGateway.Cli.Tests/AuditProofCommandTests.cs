using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Audit.Tests;

namespace ExchangeGateway.Cli.Tests;

/// <summary><c>exg audit checkpoint, prove, consistency, check-proof</c> and <c>verify --witness</c> on a stored trail.</summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditProofCommandTests(PkiFixture pki)
{
    [Fact]
    public void Every_entry_is_proved_in_the_newest_checkpoints_tree_and_the_proof_checks_offline_with_the_entry()
    {
        using var trail = new Trail(pki, entries: 23);
        for (var seq = 1; seq <= 23; seq++)
        {
            var proof = trail.Folder.File($"proof-{seq}.json");
            var checkpoint = trail.Folder.File($"checkpoint-{seq}.txt");
            var entry = trail.Folder.File($"entry-{seq}.jsonl");

            var prove = CliRun.Of("audit", "prove", "--data", trail.Data, "--seq", $"{seq}", "--checkpoint-out", checkpoint, "--entry-out", entry);
            Assert.True(prove.ExitCode == ExitCodes.Ok, prove.Error);
            File.WriteAllText(proof, prove.Output);
            var json = JsonNode.Parse(prove.Output)!;
            Assert.Equal((seq - 1L, 23L), ((long)json["leafIndex"]!, (long)json["treeSize"]!));

            var check = CliRun.Of("audit", "check-proof", "--proof", proof, "--checkpoint", checkpoint, "--entry", entry, "--certs", pki.Folder);
            Assert.True(check.ExitCode == ExitCodes.Ok, check.Error);
            Assert.Contains($"entry {seq} is in {PkiFixture.Origin}'s tree of 23 entries", check.Output, StringComparison.Ordinal);
        }

        var printed = CliRun.Of("audit", "checkpoint", "--data", trail.Data);
        Assert.Equal(File.ReadAllText(trail.Folder.File("checkpoint-1.txt")), printed.Output);
    }

    [Fact]
    public void A_proof_for_another_entry_or_a_changed_proof_is_refused()
    {
        using var trail = new Trail(pki, entries: 9);
        var checkpoint = trail.Folder.File("checkpoint.txt");
        var proof = trail.Folder.File("proof.json");
        var entry = trail.Folder.File("entry.jsonl");
        var other = trail.Folder.File("other.jsonl");
        File.WriteAllText(proof, CliRun.Of("audit", "prove", "--data", trail.Data, "--seq", "4", "--checkpoint-out", checkpoint, "--entry-out", entry).Output);
        CliRun.Of("audit", "prove", "--data", trail.Data, "--seq", "5", "--entry-out", other);

        var wrongEntry = CliRun.Of("audit", "check-proof", "--proof", proof, "--checkpoint", checkpoint, "--entry", other, "--certs", pki.Folder);
        var json = JsonNode.Parse(File.ReadAllText(proof))!;
        json["hashes"]![0] = Convert.ToBase64String(new byte[32]);
        File.WriteAllText(proof, json.ToJsonString());
        var changed = CliRun.Of("audit", "check-proof", "--proof", proof, "--checkpoint", checkpoint, "--certs", pki.Folder);
        var beyond = CliRun.Of("audit", "prove", "--data", trail.Data, "--seq", "10");

        Assert.Equal(ExitCodes.InvalidInput, wrongEntry.ExitCode);
        Assert.Contains("is not the proved leaf", wrongEntry.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, changed.ExitCode);
        Assert.Contains("the proof does not put leaf 3 in the checkpoint's tree", changed.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, beyond.ExitCode);
        Assert.Contains("--seq: 10: the audit trail's entries are 1 to 9", beyond.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Consistency_between_two_checkpoints_checks_offline_and_a_checkpoint_of_a_rewritten_trail_does_not()
    {
        using var trail = new Trail(pki, entries: 12);
        var older = trail.Folder.File("older.txt");
        File.WriteAllText(older, CliRun.Of("audit", "checkpoint", "--data", trail.Data).Output);
        for (var i = 13; i <= 30; i++)
        {
            trail.Add(i);
        }

        trail.Write(audit => trail.Log.Checkpoint(audit, trail.TimeOf(30)));
        var newer = trail.Folder.File("newer.txt");
        var proof = trail.Folder.File("consistency.json");
        File.WriteAllText(newer, CliRun.Of("audit", "checkpoint", "--data", trail.Data).Output);
        var consistency = CliRun.Of("audit", "consistency", "--data", trail.Data, "--from", "12", "--to", "30");
        File.WriteAllText(proof, consistency.Output);

        var check = CliRun.Of("audit", "check-proof", "--proof", proof, "--checkpoint", older, "--checkpoint", newer, "--certs", pki.Folder);
        Assert.True(check.ExitCode == ExitCodes.Ok, check.Error);
        Assert.Contains("tree of 30 entries extends its tree of 12", check.Output, StringComparison.Ordinal);

        // A tree head of 12 entries with another root (what a rewritten trail would be signed as) is not extended by it.
        var forged = trail.Folder.File("forged.txt");
        var head = CheckpointKeys.Load(pki.Folder).Open(File.ReadAllText(older)).Head!;
        File.WriteAllText(forged, (head with { RootHash = new byte[32] }).Sign(NoteKeyOf(pki)));
        var refused = CliRun.Of("audit", "check-proof", "--proof", proof, "--checkpoint", forged, "--checkpoint", newer, "--certs", pki.Folder);
        Assert.Equal(ExitCodes.InvalidInput, refused.ExitCode);
        Assert.Contains("the checkpoints are not consistent", refused.Error, StringComparison.Ordinal);

        var tooFar = CliRun.Of("audit", "consistency", "--data", trail.Data, "--from", "12", "--to", "31");
        Assert.Equal(ExitCodes.Usage, tooFar.ExitCode);
        Assert.Contains("--to: the tree covers 30 entries", tooFar.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_with_witnesses_passes_a_trail_that_extends_them_and_names_each_one_a_cut_trail_contradicts()
    {
        using var trail = new Trail(pki, entries: 20);
        using var witnesses = new TempFolder();
        File.WriteAllText(Path.Combine(witnesses.Path, "000000000020-a.checkpoint"), CliRun.Of("audit", "checkpoint", "--data", trail.Data).Output);
        var honest = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder, "--witness", witnesses.Path);
        Assert.True(honest.ExitCode == ExitCodes.Ok, honest.Error);

        // Cut back to 15 entries, the tree and the checkpoints with them, and signed again with the real key.
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_entries WHERE seq > 15");
        trail.Sql("DELETE FROM audit_checkpoints");
        trail.Sql("DELETE FROM audit_tree");
        trail.Sql("DELETE FROM audit_subjects");
        trail.Sql("DELETE FROM audit_subjects_indexed");
        trail.Write(audit => AuditLog.IndexSubjects(audit));
        trail.Write(audit => trail.Log.Checkpoint(audit, trail.TimeOf(15)));

        var alone = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder);
        var witnessed = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder, "--witness", witnesses.Path);

        Assert.True(alone.ExitCode == ExitCodes.Ok, alone.Error);
        Assert.Equal(ExitCodes.InvalidInput, witnessed.ExitCode);
        Assert.Contains("the trail contradicts kept checkpoint 000000000020-a.checkpoint: it was signed over 20 entries, but the trail ends at entry 15 (cut)", witnessed.Error, StringComparison.Ordinal);
    }

    private static NoteKey NoteKeyOf(PkiFixture pki) => NoteKey.Load(PkiFixture.Origin, Path.Combine(pki.Folder, CheckpointSigner.KeyFile));
}
