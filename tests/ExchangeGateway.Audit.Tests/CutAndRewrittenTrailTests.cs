namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// Trails cut or rewritten where the chain alone cannot tell (the hardening issue's cases a to e): the verifier fails
/// and says what is missing. The same cases through <c>exg audit verify</c>, whose exit code scripts read, are in
/// ExchangeGateway.Cli.Tests (AuditVerifyCommandTests), which this project does not reference.
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class CutAndRewrittenTrailTests(PkiFixture pki)
{
    [Fact]
    public void Verify_fails_when_the_entries_after_the_last_checkpoint_and_the_later_checkpoints_are_deleted()
    {
        using var trail = CutTrails.TailAndLaterCheckpointsDeleted(pki);

        var result = trail.Verify();

        Assert.Equal(21, result.FirstBadSeq);
        Assert.StartsWith("entries 21 to 25 are not covered by a signed checkpoint (the newest valid one, #2, signs entry 20)", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_a_data_folder_is_cut_back_to_an_earlier_checkpoint_because_the_outbox_still_holds_the_later_submissions()
    {
        using var data = CutTrails.CutBackToTheFirstCheckpoint(pki);

        var result = data.Verify();

        Assert.Equal(11, result.FirstBadSeq);
        Assert.Equal(
            [6, 7, 8],
            result.Problems.Where(p => p.Reason.Contains("has no submission-received entry", StringComparison.Ordinal)).Select(p => SubmissionNumber(p.Reason)));
    }

    [Fact]
    public void Verify_fails_when_every_audit_row_is_deleted_while_the_outbox_holds_submissions()
    {
        using var data = CutTrails.EveryAuditRowDeleted(pki);

        var result = data.Verify();

        Assert.Equal(1, result.FirstBadSeq);
        Assert.Equal("the audit trail is empty but the outbox holds 30 submissions and 30 messages: the trail was deleted", result.FirstProblem!.Reason);
    }

    [Fact]
    public void Verify_fails_when_the_tail_after_the_last_checkpoint_is_rewritten_with_recomputed_hashes()
    {
        // Checkpoints at 10 and 20; 21 to 25 are unsigned, as on a gateway killed before it could sign them.
        using var trail = new Trail(pki, entries: 25, shutdown: false);
        var entries = trail.Entries();
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 20");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 20");
        var prev = entries[19].Hash;
        foreach (var entry in entries.Skip(20))
        {
            var rewritten = entry with { PrevHash = prev, Details = new Dictionary<string, AuditValue> { ["reason"] = "nothing happened" } };
            trail.InsertRaw(rewritten);
            prev = AuditChain.ComputeHash(rewritten);
        }

        var result = trail.Verify();

        Assert.Equal(21, result.FirstBadSeq);
        Assert.Contains("a cut or rewrite after entry 20 would not show", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_every_checkpoint_is_deleted()
    {
        using var trail = CutTrails.EveryCheckpointDeleted(pki);

        var result = trail.Verify();

        Assert.Equal(1, result.FirstBadSeq);
        Assert.StartsWith("no valid signed checkpoint covers entries 1 to 30: the trail could have been rewritten as a whole or its checkpoints deleted", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 31)]
    [InlineData(3, 21)]
    [InlineData(5, 21)]
    public void Verify_of_an_export_fails_when_it_loses_its_last_lines(int lost, long firstBad)
    {
        // The export's last lines: entry 30, checkpoints #3 (interval), #4 (shutdown) and #5 (export), all over entry 30.
        // Without #5 the end is missing (seq 31); without #3 too, 21 to 30 are also unsigned (seq 21).
        using var trail = new Trail(pki);
        var export = trail.Export();
        export.Lines.RemoveRange(export.Lines.Count - lost, lost);

        var result = export.Verify(pki);

        Assert.Equal(firstBad, result.FirstBadSeq);
        Assert.Contains(result.Problems, p => p.Reason.StartsWith("the export does not end with the checkpoint signed when it was written", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_of_an_export_fails_when_it_is_cut_just_after_an_earlier_checkpoint()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var afterCheckpoint2 = export.IndexOfCheckpoint(2) + 1;
        export.Lines.RemoveRange(afterCheckpoint2, export.Lines.Count - afterCheckpoint2);

        var result = export.Verify(pki);

        Assert.Equal(21, result.FirstBadSeq);
        Assert.Contains($"its last line (line {afterCheckpoint2}) is checkpoint #2 (interval, entry 20); lines were cut from its end", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_of_an_export_fails_when_it_loses_its_checkpoint_lines()
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        export.Lines.RemoveAll(line => line.StartsWith("{\"checkpoint\"", StringComparison.Ordinal));

        var result = export.Verify(pki);

        Assert.Equal(1, result.FirstBadSeq);
        Assert.StartsWith("no valid signed checkpoint covers entries 1 to 30", result.FirstProblem!.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Problems, p => p.Seq == 31 && p.Reason.Contains("its last line (line 30) is entry 30", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, "no valid signed checkpoint covers entry 1")]
    [InlineData(false, "the trail was cut: it ends at entry 0 but checkpoint #5")]
    public void Verify_of_an_export_fails_when_everything_but_one_line_is_removed(bool keepFirst, string reason)
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        var kept = keepFirst ? export.Lines[0] : export.Lines[^1];
        export.Lines.Clear();
        export.Lines.Add(kept);

        var result = export.Verify(pki);

        Assert.Equal(1, result.FirstBadSeq);
        Assert.StartsWith(reason, result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_of_an_empty_export_fails_even_with_the_unsigned_tail_allowed(bool allowUnsignedTail)
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        export.Lines.Clear();

        var result = export.Verify(pki, allowUnsignedTail: allowUnsignedTail);

        Assert.Equal(1, result.FirstBadSeq);
        Assert.StartsWith("the export is empty", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    private static int SubmissionNumber(string reason) =>
        int.Parse(reason.Split(' ')[2][^12..], System.Globalization.CultureInfo.InvariantCulture);
}
