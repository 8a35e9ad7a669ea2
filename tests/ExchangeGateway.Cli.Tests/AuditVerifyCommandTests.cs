using ExchangeGateway.Audit.Tests;

namespace ExchangeGateway.Cli.Tests;

/// <summary>
/// <c>exg audit verify</c>, whose exit code scripts read, on trails cut or rewritten where the chain alone cannot tell
/// (the hardening issue's cases a to e) and on outbox rows without their entries. The verifier's findings for the same
/// cases are tested in ExchangeGateway.Audit.Tests (CutAndRewrittenTrailTests, OutboxCrossCheckTests); here, that the
/// command fails with exit 1 and names the first bad entry.
/// </summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditVerifyCommandTests(PkiFixture pki)
{
    [Fact]
    public void Verify_fails_when_the_entries_after_the_last_checkpoint_and_the_later_checkpoints_are_deleted()
    {
        using var trail = CutTrails.TailAndLaterCheckpointsDeleted(pki);

        var run = Verify(data: trail.Data);

        AssertFails(run, "first bad entry: seq 21: entries 21 to 25 are not covered");
    }

    [Fact]
    public void Verify_fails_when_a_data_folder_is_cut_back_to_an_earlier_checkpoint_because_the_outbox_still_holds_the_later_submissions()
    {
        using var data = CutTrails.CutBackToTheFirstCheckpoint(pki);

        var run = Verify(data: data.Data);

        AssertFails(run, $"seq 11: outbox submission {Trail.SubmissionId(6)} has no submission-received entry");
    }

    [Fact]
    public void Verify_fails_when_every_audit_row_is_deleted_while_the_outbox_holds_submissions()
    {
        using var data = CutTrails.EveryAuditRowDeleted(pki);

        var run = Verify(data: data.Data);

        AssertFails(run, "first bad entry: seq 1: the audit trail is empty but the outbox holds 30 submissions");
    }

    [Fact]
    public void Verify_fails_when_the_tail_after_the_last_checkpoint_is_rewritten_with_recomputed_hashes()
    {
        // Checkpoints at 10 and 20; 21 to 25 are unsigned, as on a gateway killed before it could sign them. The
        // attacker deletes them and appends others in their place, chained and hashed as the gateway would.
        using var trail = new Trail(pki, entries: 25, shutdown: false);
        trail.DropTriggers();
        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 20");
        trail.Sql("UPDATE audit_subjects_indexed SET upto = 20");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 20");
        for (var i = 21; i <= 25; i++)
        {
            trail.Add(i, reason: "nothing happened");
        }

        var run = Verify(data: trail.Data);

        AssertFails(run, "first bad entry: seq 21: entries 21 to 25 are not covered");
    }

    [Fact]
    public void Verify_fails_when_every_checkpoint_is_deleted()
    {
        using var trail = CutTrails.EveryCheckpointDeleted(pki);

        var run = Verify(data: trail.Data);

        AssertFails(run, "first bad entry: seq 1: no valid signed checkpoint covers entries 1 to 30");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Verify_of_an_export_fails_when_it_loses_its_last_lines(int lost)
    {
        var run = VerifyExport(lines => lines.RemoveRange(lines.Count - lost, lost));

        AssertFails(run, "the export does not end with the checkpoint signed when it was written");
    }

    [Fact]
    public void Verify_of_an_export_fails_when_it_loses_its_checkpoint_lines()
    {
        var run = VerifyExport(lines => lines.RemoveAll(line => line.StartsWith("{\"checkpoint\"", StringComparison.Ordinal)));

        AssertFails(run, "first bad entry: seq 1: no valid signed checkpoint covers entries 1 to 30");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Verify_of_an_export_fails_when_everything_but_one_line_is_removed(bool keepFirst)
    {
        var run = VerifyExport(lines =>
        {
            var kept = keepFirst ? lines[0] : lines[^1];
            lines.Clear();
            lines.Add(kept);
        });

        AssertFails(run, "first bad entry: seq 1:");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_of_an_empty_export_fails_even_with_the_unsigned_tail_allowed(bool allowUnsignedTail)
    {
        var run = VerifyExport(lines => lines.Clear(), allowUnsignedTail);

        AssertFails(run, "the export is empty");
    }

    [Fact]
    public void A_data_folder_whose_every_outbox_row_has_its_entry_verifies()
    {
        using var data = new Trail(pki, entries: 0, submissions: 5);
        data.Deliver(2);
        data.Deliver(4);
        data.Checkpoint();

        var run = Verify(data: data.Data);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        Assert.Contains("verified: 12 entries", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_whose_state_changed_without_its_entry_fails_naming_it()
    {
        using var data = new Trail(pki, entries: 0, submissions: 3);
        data.DropTriggers();
        data.Sql($"UPDATE messages SET status = 'delivered' WHERE message_id = '{Trail.MessageId(2)}'");

        var run = Verify(data: data.Data);

        AssertFails(run, $"outbox message {Trail.MessageId(2)} is delivered");
    }

    /// <summary>The command failed with exit 1 (invalid input) and said <paramref name="error"/>.</summary>
    private static void AssertFails(CliRun run, string error)
    {
        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains(error, run.Error, StringComparison.Ordinal);
    }

    /// <summary>Exports a trail of 30 entries, changes the file's lines with <paramref name="change"/> and verifies the file.</summary>
    private CliRun VerifyExport(Action<List<string>> change, bool allowUnsignedTail = false)
    {
        using var trail = new Trail(pki);
        var export = trail.Export();
        change(export.Lines);
        export.Save();
        return Verify(file: export.Path, allowUnsignedTail: allowUnsignedTail);
    }

    private CliRun Verify(string? data = null, string? file = null, bool allowUnsignedTail = false)
    {
        List<string> args = data is not null ? ["audit", "verify", "--data", data] : ["audit", "verify", "--file", file!];
        args.AddRange(["--certs", pki.Folder]);
        if (allowUnsignedTail)
        {
            args.Add("--allow-unsigned-tail");
        }

        return CliRun.Of([.. args]);
    }
}
