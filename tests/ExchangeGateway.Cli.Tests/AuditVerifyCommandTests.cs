namespace ExchangeGateway.Cli.Tests;

/// <summary>
/// <c>exg audit verify</c>, whose exit code scripts read, on trails cut or rewritten where the chain alone cannot tell
/// (the hardening issue's cases a to e) and on outbox rows without their entries. The verifier's findings for the same
/// cases are tested in ExchangeGateway.Audit.Tests (CutAndRewrittenTrailTests, OutboxCrossCheckTests); here, that the
/// command fails with exit 1 and names the first bad entry.
/// </summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditVerifyCommandTests(AuditPki pki)
{
    [Fact]
    public void Verify_fails_when_the_entries_after_the_last_checkpoint_and_the_later_checkpoints_are_deleted()
    {
        using var trail = new AuditDataFolder(pki, entries: 35);
        trail.Sql("DELETE FROM audit_subjects WHERE last_seq > 25");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 25");
        trail.Sql("DELETE FROM audit_checkpoints WHERE number >= 3");

        var run = Verify(data: trail.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 21: entries 21 to 25 are not covered", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_a_data_folder_is_cut_back_to_an_earlier_checkpoint_because_the_outbox_still_holds_the_later_submissions()
    {
        using var data = new AuditDataFolder(pki, entries: 0, submissions: 8);
        data.Sql("DELETE FROM audit_entries WHERE seq > 10");
        data.Sql("DELETE FROM audit_checkpoints WHERE number >= 2");

        var run = Verify(data: data.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains($"seq 11: outbox submission {AuditDataFolder.SubmissionId(6)} has no submission-received entry", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_every_audit_row_is_deleted_while_the_outbox_holds_submissions()
    {
        using var data = new AuditDataFolder(pki, entries: 0, submissions: 30);
        data.Sql("DELETE FROM audit_subjects");
        data.Sql("DELETE FROM audit_subjects_indexed");
        data.Sql("DELETE FROM audit_entries");
        data.Sql("DELETE FROM audit_checkpoints");

        var run = Verify(data: data.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 1: the audit trail is empty but the outbox holds 30 submissions", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_the_tail_after_the_last_checkpoint_is_rewritten_with_recomputed_hashes()
    {
        // Checkpoints at 10 and 20; 21 to 25 are unsigned, as on a gateway killed before it could sign them. The
        // attacker deletes them and appends others in their place, chained and hashed as the gateway would.
        using var trail = new AuditDataFolder(pki, entries: 25, shutdown: false);
        trail.Sql("DELETE FROM audit_subjects WHERE first_seq > 20");
        trail.Sql("UPDATE audit_subjects_indexed SET upto = 20");
        trail.Sql("DELETE FROM audit_entries WHERE seq > 20");
        for (var i = 21; i <= 25; i++)
        {
            trail.Add(i, reason: "nothing happened");
        }

        var run = Verify(data: trail.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 21: entries 21 to 25 are not covered", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_fails_when_every_checkpoint_is_deleted()
    {
        using var trail = new AuditDataFolder(pki);
        trail.Sql("DELETE FROM audit_checkpoints");

        var run = Verify(data: trail.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 1: no valid signed checkpoint covers entries 1 to 30", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Verify_of_an_export_fails_when_it_loses_its_last_lines(int lost)
    {
        using var trail = new AuditDataFolder(pki);
        var export = trail.Export();
        export.Lines.RemoveRange(export.Lines.Count - lost, lost);

        var run = Verify(file: export.Save());

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("the export does not end with the checkpoint signed when it was written", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_of_an_export_fails_when_it_loses_its_checkpoint_lines()
    {
        using var trail = new AuditDataFolder(pki);
        var export = trail.Export();
        export.Lines.RemoveAll(line => line.StartsWith("{\"checkpoint\"", StringComparison.Ordinal));

        var run = Verify(file: export.Save());

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 1: no valid signed checkpoint covers entries 1 to 30", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Verify_of_an_export_fails_when_everything_but_one_line_is_removed(bool keepFirst)
    {
        using var trail = new AuditDataFolder(pki);
        var export = trail.Export();
        var kept = keepFirst ? export.Lines[0] : export.Lines[^1];
        export.Lines.Clear();
        export.Lines.Add(kept);

        var run = Verify(file: export.Save());

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 1:", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Verify_of_an_empty_export_fails_even_with_the_unsigned_tail_allowed(bool allowUnsignedTail)
    {
        using var trail = new AuditDataFolder(pki);
        var export = trail.Export();
        export.Lines.Clear();

        var run = Verify(file: export.Save(), allowUnsignedTail: allowUnsignedTail);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("the export is empty", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_folder_whose_every_outbox_row_has_its_entry_verifies()
    {
        using var data = new AuditDataFolder(pki, entries: 0, submissions: 5);
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
        using var data = new AuditDataFolder(pki, entries: 0, submissions: 3);
        data.Sql($"UPDATE messages SET status = 'delivered' WHERE message_id = '{AuditDataFolder.MessageId(2)}'");

        var run = Verify(data: data.Data);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains($"outbox message {AuditDataFolder.MessageId(2)} is delivered", run.Error, StringComparison.Ordinal);
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
