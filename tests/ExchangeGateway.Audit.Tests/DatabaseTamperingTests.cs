using System.Text;
using ExchangeGateway.Crypto;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// Tampering with gateway.db. Each test first drops the append-only triggers (an attacker with the file can), then
/// changes the tables directly; the verifier must name the first bad seq. The trail: 30 entries, checkpoints at 10,
/// 20 and 30, and a shutdown checkpoint at 30.
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class DatabaseTamperingTests(PkiFixture pki)
{
    [Fact]
    public void Editing_the_details_of_an_entry_is_found_at_that_entry()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("UPDATE audit_entries SET details = '{\"messageId\":\"something else\"}' WHERE seq = 15");
        var result = trail.Verify();

        Assert.False(result.IsValid);
        Assert.Equal(15, result.FirstBadSeq);
        Assert.Contains("altered", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_an_entry_and_storing_its_new_hash_is_still_found_at_that_entry()
    {
        using var trail = new Trail(pki);
        var original = trail.Entry(15);
        var edited = original with { Details = new Dictionary<string, AuditValue> { ["reason"] = "nothing happened" } };
        trail.DropTriggers();

        trail.Sql("UPDATE audit_entries SET details = $details, hash = $hash WHERE seq = 15", ("$details", "{\"reason\":\"nothing happened\"}"), ("$hash", AuditChain.ComputeHash(edited)));
        var result = trail.Verify();

        Assert.Equal(15, result.FirstBadSeq);
    }

    [Fact]
    public void Editing_an_entry_and_rewriting_the_chain_after_it_is_caught_by_the_next_checkpoint()
    {
        using var trail = new Trail(pki);
        var entries = trail.Entries();
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_subjects WHERE last_seq >= 15");
        trail.Sql("DELETE FROM audit_entries WHERE seq >= 15");
        var prev = entries[13].Hash;
        foreach (var entry in entries.Skip(14))
        {
            var rewritten = entry with { PrevHash = prev, Details = entry.Seq == 15 ? new Dictionary<string, AuditValue> { ["reason"] = "nothing" } : entry.Details };
            trail.InsertRaw(rewritten);
            prev = AuditChain.ComputeHash(rewritten);
        }

        var result = trail.Verify();

        // Every link recomputes; only the signature over entry 20 can tell, and entries 11 to 19 are the suspects.
        Assert.Equal(20, result.FirstBadSeq);
        Assert.Contains("proven up to entry 10", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_a_middle_entry_is_found_at_that_entry()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("DELETE FROM audit_subjects WHERE first_seq = 15");
        trail.Sql("DELETE FROM audit_entries WHERE seq = 15");
        var result = trail.Verify();

        Assert.Equal(15, result.FirstBadSeq);
        Assert.Contains("missing", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Inserting_an_entry_and_renumbering_the_rest_is_found_at_the_inserted_entry()
    {
        using var trail = new Trail(pki);
        var before = trail.Entry(15);
        trail.DropTriggers();

        // Make room at 16 (through 1000+ so the primary key never collides), then add a well-hashed forgery there.
        trail.Sql("UPDATE audit_entries SET seq = seq + 1000 WHERE seq > 15");
        trail.Sql("UPDATE audit_entries SET seq = seq - 999 WHERE seq > 1000");
        trail.Sql("UPDATE audit_subjects SET first_seq = first_seq + 1000, last_seq = last_seq + 1000 WHERE first_seq > 15");
        trail.Sql("UPDATE audit_subjects SET first_seq = first_seq - 999, last_seq = last_seq - 999 WHERE first_seq > 1000");
        trail.InsertRaw(before with { Seq = 16, PrevHash = before.Hash, Type = AuditEventTypes.Withdrawal, Time = before.Time.AddSeconds(30) });
        var result = trail.Verify();

        Assert.Equal(16, result.FirstBadSeq);
        Assert.Contains("inserted", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Swapping_two_entries_is_found_at_the_first_of_them()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("UPDATE audit_entries SET seq = 1015 WHERE seq = 15");
        trail.Sql("UPDATE audit_entries SET seq = 15 WHERE seq = 16");
        trail.Sql("UPDATE audit_entries SET seq = 16 WHERE seq = 1015");
        var result = trail.Verify();

        Assert.Equal(15, result.FirstBadSeq);
    }

    [Fact]
    public void Cutting_the_tail_below_the_last_checkpoint_is_found_at_the_first_missing_entry()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 25");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 25");
        var result = trail.Verify();

        Assert.Equal(26, result.FirstBadSeq);
        Assert.Contains("the trail was cut: it ends at entry 25", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Cutting_entries_that_only_the_shutdown_checkpoint_covers_is_found()
    {
        using var trail = new Trail(pki, entries: 30, interval: 100);
        trail.DropTriggers();

        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 28");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 28");
        var result = trail.Verify();

        Assert.Equal(29, result.FirstBadSeq);
        Assert.Contains("checkpoint #1", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Changing_what_a_checkpoint_signs_breaks_its_signature()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("UPDATE audit_checkpoints SET hash = $hash WHERE number = 2", ("$hash", trail.Entry(19).Hash));
        var result = trail.Verify();

        Assert.Equal(20, result.FirstBadSeq);
        Assert.Contains("changed after signing", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_forged_with_a_checkpoint_key_the_certs_folder_does_not_hold_is_refused()
    {
        using var trail = new Trail(pki, entries: 30, interval: 100, shutdown: false);
        trail.DropTriggers();

        // An attacker with a key of the same name signs a tree head over the trail: its key id is not the trusted one.
        var rogue = new AuditLog(pki.RogueSigner, 100);
        trail.Write(audit => rogue.Checkpoint(audit, trail.TimeOf(30)));

        var result = trail.Verify();

        Assert.Contains(result.Problems, p => p.Seq == 30 && p.Reason.Contains("which is no checkpoint verifier key in the certs folder", StringComparison.Ordinal));
        Assert.Equal(1, result.FirstBadSeq);
        Assert.StartsWith("no valid signed checkpoint covers entries 1 to 30", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_whose_signed_tree_head_was_changed_after_signing_is_refused()
    {
        using var trail = new Trail(pki, entries: 12, interval: 100, shutdown: true);
        trail.DropTriggers();
        var note = Encoding.UTF8.GetString(Convert.FromBase64String(trail.Read(audit => audit.NewestCheckpoint())!.Signature));
        var lines = note.Split('\n');
        lines[2] = Convert.ToBase64String(new byte[32]);
        trail.Sql("UPDATE audit_checkpoints SET signature = $signature WHERE number = 1", ("$signature", Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', lines)))));

        var result = trail.Verify();

        Assert.Contains(result.Problems, p => p.Seq == 12 && p.Reason.Contains("does not verify", StringComparison.Ordinal));
        Assert.StartsWith("no valid signed checkpoint covers entries 1 to 12", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_a_middle_checkpoint_is_found()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();

        trail.Sql("DELETE FROM audit_checkpoints WHERE number = 2");
        var result = trail.Verify();

        Assert.False(result.IsValid);
        Assert.Contains("checkpoint #2 is missing", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropped_triggers_alone_are_a_warning()
    {
        using var trail = new Trail(pki);

        trail.DropTriggers();
        var result = trail.Verify();

        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Contains("audit_entries_no_update", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("UPDATE audit_entries SET actor = 'HLI' WHERE seq = 3")]
    [InlineData("DELETE FROM audit_entries WHERE seq = 30")]
    [InlineData("UPDATE audit_subjects SET last_seq = 4 WHERE last_seq = 3")]
    [InlineData("DELETE FROM audit_subjects")]
    [InlineData("UPDATE audit_subjects_indexed SET upto = 0")]
    [InlineData("DELETE FROM audit_subjects_indexed")]
    [InlineData("UPDATE audit_checkpoints SET reason = 'requested'")]
    [InlineData("DELETE FROM audit_checkpoints WHERE number = 4")]
    public void The_triggers_refuse_update_and_delete_on_every_audit_table(string sql)
    {
        using var trail = new Trail(pki);

        var ex = Assert.Throws<SqliteException>(() => trail.Sql(sql));

        Assert.Contains("append-only", ex.Message, StringComparison.Ordinal);
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void The_triggers_refuse_an_entry_that_does_not_extend_the_chain()
    {
        using var trail = new Trail(pki, entries: 5, shutdown: false);
        var head = trail.Entry(5);

        Assert.Throws<SqliteException>(() => trail.InsertRaw(head with { Seq = 7, PrevHash = head.Hash }));
        Assert.Throws<SqliteException>(() => trail.InsertRaw(head with { Seq = 6, PrevHash = AuditChain.Genesis }));
        Assert.Throws<SqliteException>(() => trail.Sql("INSERT INTO audit_subjects (subject_key, first_seq, last_seq) VALUES ('nhs:x', 2, 2)"));
    }

    private TempFolder CopyOfCerts()
    {
        var copy = new TempFolder();
        foreach (var file in Directory.EnumerateFiles(pki.Folder))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }

        return copy;
    }
}
