namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// The next signature must not make good a trail that was cut or rewritten: the gateway's start, its timer and an
/// export refuse to sign over entries they cannot vouch for.
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class SigningRefusalTests(PkiFixture pki)
{
    [Fact]
    public void A_trail_whose_checkpoints_were_all_deleted_is_not_signed_again()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_checkpoints");

        var refusal = Assert.Throws<AuditIntegrityException>(() => trail.Write(audit => trail.Log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Startup)));

        Assert.Contains("checkpoints were deleted", refusal.Message, StringComparison.Ordinal);
        Assert.False(trail.Verify().IsValid);
    }

    [Fact]
    public void A_trail_rewritten_after_its_checkpoints_and_its_tree_were_deleted_is_neither_built_nor_signed_again()
    {
        // With the tree kept within 10 entries of the head, no intact trail holds more than 2 × 10 + 10 unsigned.
        using var trail = new Trail(pki, entries: 45);
        var log = new AuditLog(pki.Signer, 10, maxTreeLag: 10);
        trail.DropTriggers();
        trail.Sql("UPDATE audit_entries SET actor = 'BMI' WHERE seq = 1");
        trail.Rehash(fromSeq: 1);
        trail.Sql("DELETE FROM audit_checkpoints");
        trail.Sql("DELETE FROM audit_tree");

        var signing = Assert.Throws<AuditIntegrityException>(() => trail.Write(audit => log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Startup)));
        var building = Assert.Throws<AuditIntegrityException>(() => trail.Write(audit => log.ExtendTree(audit)));

        Assert.Contains("no checkpoint covers any of its 45 entries, more than the 30 an intact trail can hold unsigned", signing.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to extend the audit tree", building.Message, StringComparison.Ordinal);
        Assert.Equal(0, trail.Read(AuditLog.TreeSize));
        Assert.Empty(trail.Checkpoints());
    }

    [Fact]
    public void Appends_build_the_tree_themselves_when_it_falls_further_behind_than_the_lag()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false, tree: false);
        var log = new AuditLog(pki.Signer, 10, maxTreeLag: 10);
        for (var i = 1; i <= 35; i++)
        {
            trail.Write(audit => log.Append(audit, trail.Draft(i), trail.TimeOf(i)));
        }

        // Never more than the lag behind, and an interval checkpoint at each multiple of 10 it passed.
        Assert.InRange(trail.Read(AuditLog.TreeSize), 25, 35);
        Assert.Equal([10L, 20L, 30L], trail.Checkpoints().Select(c => c.Seq).Where(s => s <= trail.Read(AuditLog.TreeSize)));
        Assert.True(trail.Write(audit => log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Timer)) is { Seq: 35 });
        Assert.True(trail.Verify().IsValid, string.Join("; ", trail.Verify().Problems));
    }

    [Fact]
    public void A_trail_rewritten_after_its_later_checkpoints_were_deleted_is_not_signed_again()
    {
        // Checkpoints at 10, 20, 30 and the shutdown one; keep #1, rewrite 11 to 30 with recomputed hashes.
        using var trail = new Trail(pki);
        var entries = trail.Entries();
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_checkpoints WHERE number > 1");
        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 10");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 10");
        var prev = entries[9].Hash;
        foreach (var entry in entries.Skip(10))
        {
            var rewritten = entry with { PrevHash = prev, Details = new Dictionary<string, AuditValue> { ["reason"] = "nothing happened" } };
            trail.InsertRaw(rewritten);
            prev = AuditChain.ComputeHash(rewritten);
        }

        Assert.Throws<AuditIntegrityException>(() => trail.Write(audit => trail.Log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Timer)));
        using var export = new StringWriter();
        Assert.Throws<AuditIntegrityException>(() => trail.Read(audit => AuditJsonl.Write(audit, export, pki.Signer, pki.Now)));
        Assert.Empty(export.ToString());
    }

    [Fact]
    public void An_edited_entry_in_the_uncovered_tail_is_not_signed()
    {
        using var trail = new Trail(pki, entries: 25, shutdown: false);
        trail.DropTriggers();
        trail.Sql("UPDATE audit_entries SET actor = 'admin:mallory' WHERE seq = 23");

        var refusal = Assert.Throws<AuditIntegrityException>(() => trail.Write(audit => trail.Log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Startup)));

        Assert.Contains("entry 23 does not chain", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_intact_unsigned_tail_is_signed()
    {
        using var trail = new Trail(pki, entries: 25, shutdown: false);

        var checkpoint = trail.Write(audit => trail.Log.CheckpointIfUncovered(audit, pki.Now, CheckpointReason.Startup));

        Assert.Equal(25, checkpoint!.Seq);
        Assert.True(trail.Verify().IsValid);
    }
}
