using System.Text.Json.Nodes;

namespace ExchangeGateway.Audit.Tests;

/// <summary>Tampering with a jsonl export: the same kinds of change as in the database, found offline with only the certs folder.</summary>
[Collection(PkiCollection.Name)]
public sealed class ExportTamperingTests(PkiFixture pki)
{
    [Fact]
    public void An_untouched_export_verifies()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();

        var result = export.Verify(pki);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(30, result.EntryCount);
        Assert.Equal(5, result.ValidCheckpoints.Count);
        Assert.Equal(35, export.Lines.Count);
        Assert.Equal((5L, 30L, "export"), ((long)export.Object(34)["checkpoint"]!, (long)export.Object(34)["seq"]!, (string)export.Object(34)["reason"]!));
    }

    [Fact]
    public void Export_lines_are_the_canonical_form_plus_the_hash()
    {
        using var trail = new Trail(pki, entries: 3);
        var export = trail.Export();

        var first = export.Object(0);

        Assert.Equal(AuditChain.ExportLine(trail.Entry(1)), export.Lines[0]);
        Assert.Equal(trail.Entry(1).Hash, (string)first["hash"]!);
        first.Remove("hash");
        Assert.Equal(AuditChain.CanonicalForm(trail.Entry(1)), first.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public void Editing_the_details_of_an_entry_is_found_at_that_entry()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var i = export.IndexOfEntry(15);

        export.Lines[i] = export.Lines[i].Replace("\"recipient\":\"B82005\"", "\"recipient\":\"CJIT-NOTTS\"", StringComparison.Ordinal);
        var result = export.Verify(pki);

        Assert.Equal(15, result.FirstBadSeq);
    }

    [Fact]
    public void Deleting_a_middle_entry_is_found_at_that_entry()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();

        export.Lines.RemoveAt(export.IndexOfEntry(15));
        var result = export.Verify(pki);

        Assert.Equal(15, result.FirstBadSeq);
        Assert.Contains("missing", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Inserting_a_well_hashed_entry_is_found_at_the_inserted_entry()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var previous = trail.Entry(15);
        var forged = previous with { Seq = 16, PrevHash = previous.Hash, Type = AuditEventTypes.Withdrawal };
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };

        export.Lines.Insert(export.IndexOfEntry(16), AuditChain.ExportLine(forged));
        var result = export.Verify(pki);

        Assert.Equal(16, result.FirstBadSeq);
        Assert.Contains("inserted", result.FirstProblem!.Reason, StringComparison.Ordinal);
        Assert.Contains($"line {export.IndexOfEntry(16) + 1}", result.FirstProblem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapping_two_entries_is_found_at_the_first_of_them()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var i = export.IndexOfEntry(15);
        var j = export.IndexOfEntry(16);

        (export.Lines[i], export.Lines[j]) = (export.Lines[j], export.Lines[i]);
        var result = export.Verify(pki);

        Assert.Equal(15, result.FirstBadSeq);
        Assert.Contains("out of order", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapping_two_entries_and_their_seq_numbers_is_found_at_the_first_of_them()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var i = export.IndexOfEntry(15);
        var j = export.IndexOfEntry(16);
        var a = export.Object(i);
        var b = export.Object(j);
        (a["seq"], b["seq"]) = (16, 15);

        (export.Lines[i], export.Lines[j]) = (b.ToJsonString(), a.ToJsonString());
        var result = export.Verify(pki);

        Assert.Equal(15, result.FirstBadSeq);
    }

    [Fact]
    public void Cutting_the_tail_is_found_where_the_checkpoints_say_entries_are_missing()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();

        for (var seq = 26; seq <= 30; seq++)
        {
            export.Lines.RemoveAt(export.IndexOfEntry(seq));
        }

        var result = export.Verify(pki);

        Assert.Equal(26, result.FirstBadSeq);
        Assert.Contains("the trail was cut", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_a_checkpoint_breaks_its_signature()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var i = export.IndexOfCheckpoint(2);
        var checkpoint = export.Object(i);
        checkpoint["reason"] = "requested";

        export.Lines[i] = checkpoint.ToJsonString();
        var result = export.Verify(pki);

        Assert.Equal(20, result.FirstBadSeq);
        Assert.Contains("changed after signing", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_checkpoint_over_a_rewritten_chain_is_refused()
    {
        using var trail = new Trail(pki, entries: 12, interval: 100, shutdown: false);
        var export = trail.Export();
        var head = trail.Entry(12);
        var root = MerkleTree.Root(trail.Entries().Select(AuditTree.Leaf).ToList());
        var forged = pki.RogueSigner.Checkpoint(1, (12, head.Hash), root, pki.Now, CheckpointReason.Shutdown);

        export.Lines.Add(AuditChain.ExportLine(forged));
        var result = export.Verify(pki);

        Assert.Equal(12, result.FirstBadSeq);
        Assert.Contains("checkpoint #1", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_with_an_extra_field_is_found()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var i = export.IndexOfEntry(7);
        var entry = export.Object(i);
        entry["name"] = "someone";

        export.Lines[i] = entry.ToJsonString();
        var result = export.Verify(pki);

        Assert.Equal(7, result.FirstBadSeq);
        Assert.Contains("unexpected field 'name'", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_that_is_not_json_is_found()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();

        export.Lines[export.IndexOfEntry(7)] = "{not json";
        var result = export.Verify(pki);

        Assert.Equal(7, result.FirstBadSeq);
    }

    [Fact]
    public void An_export_verifies_against_the_same_chain_as_the_database()
    {
        using var trail = new Trail(pki, entries: 10, shutdown: false);
        var export = trail.Export();

        var fromFile = export.Verify(pki);
        var fromDatabase = trail.Verify();

        // The file holds the stored checkpoints and, last, the one signed when it was written (which is not stored).
        Assert.Equal(fromDatabase.Head, fromFile.Head);
        Assert.Equal(fromDatabase.ValidCheckpoints.Select(c => c.Signature), fromFile.ValidCheckpoints.SkipLast(1).Select(c => c.Signature));
        Assert.Equal(CheckpointReason.Export, fromFile.ValidCheckpoints[^1].Reason);
        Assert.Equal("export", (string)JsonNode.Parse(export.Lines[^1])!["reason"]!);
        Assert.Single(trail.Checkpoints());
    }

    [Fact]
    public void Exporting_a_database_whose_tail_was_cut_keeps_the_checkpoints_that_show_it()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 25 OR first_seq = 12");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 25 OR seq = 12");

        // The gateway key refuses to sign over a cut trail; exported unsigned, the stored checkpoints still show the cut.
        Assert.Throws<AuditIntegrityException>(() => trail.Export());
        var export = trail.Export(signed: false);
        var result = export.Verify(pki, allowUnsignedTail: true);

        Assert.Equal(4, export.Lines.Count(l => l.StartsWith("{\"checkpoint\"", StringComparison.Ordinal)));
        Assert.Equal(12, result.FirstBadSeq);
        Assert.Contains(result.Problems, p => p.Seq == 26 && p.Reason.Contains("the trail was cut", StringComparison.Ordinal));
    }
}
