using ExchangeGateway.Audit.Tests;

namespace ExchangeGateway.Cli.Tests;

/// <summary><c>--allow-unsigned-tail</c>: checking a live gateway between checkpoints, and exporting without the gateway key.</summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditUnsignedTailCommandTests(PkiFixture pki)
{
    [Fact]
    public void Verify_with_allow_unsigned_tail_passes_entries_after_the_last_checkpoint_with_a_warning()
    {
        using var trail = new Trail(pki, entries: 14, shutdown: false);

        var strict = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder);
        var live = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder, "--allow-unsigned-tail");

        Assert.Equal(ExitCodes.InvalidInput, strict.ExitCode);
        Assert.Contains("first bad entry: seq 11: entries 11 to 14 are not covered by a signed checkpoint", strict.Error, StringComparison.Ordinal);
        Assert.Contains("--allow-unsigned-tail", strict.Error, StringComparison.Ordinal);
        Assert.True(live.ExitCode == ExitCodes.Ok, live.Error);
        Assert.Contains("warning: entries 11 to 14 are not covered by a signed checkpoint", live.Error, StringComparison.Ordinal);
        Assert.Contains("verified: 14 entries, head seq 14", live.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_with_allow_unsigned_tail_still_fails_a_tampered_trail()
    {
        using var trail = new Trail(pki, entries: 14, shutdown: false);
        trail.DropTriggers();
        trail.Sql("UPDATE audit_entries SET actor = 'BMI' WHERE seq = 7");

        var run = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder, "--allow-unsigned-tail");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 7:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_ends_with_a_checkpoint_signed_at_export_time_over_its_last_entry()
    {
        using var trail = new Trail(pki, entries: 14, shutdown: false);
        var file = trail.Folder.File("trail.jsonl");

        var export = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--certs", pki.Folder);
        var verify = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder);

        Assert.True(export.ExitCode == ExitCodes.Ok, export.Error);
        var lines = new ExportFile(file);
        var last = lines.Object(lines.Lines.Count - 1);
        Assert.Equal(("export", 14L, 2L), ((string)last["reason"]!, (long)last["seq"]!, (long)last["checkpoint"]!));
        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.Error);
        Assert.Contains("last checkpoint #2 at seq 14 (export", verify.Output, StringComparison.Ordinal);
        Assert.Single(trail.Checkpoints());
    }

    [Fact]
    public void Export_without_the_checkpoint_key_is_refused_unless_the_unsigned_tail_is_allowed()
    {
        using var trail = new Trail(pki, entries: 14);
        using var noKey = new TempFolder();
        var file = trail.Folder.File("trail.jsonl");

        var withoutCerts = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file);
        var withoutKey = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--certs", noKey.Path);
        Assert.False(File.Exists(file));
        var allowed = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--allow-unsigned-tail");
        var strict = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder);
        var lenient = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder, "--allow-unsigned-tail");

        Assert.Equal(ExitCodes.Usage, withoutCerts.ExitCode);
        Assert.Contains("--certs DIR is needed", withoutCerts.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, withoutKey.ExitCode);
        Assert.Contains("cannot load the audit checkpoint key", withoutKey.Error, StringComparison.Ordinal);
        Assert.True(allowed.ExitCode == ExitCodes.Ok, allowed.Error);
        Assert.Contains("warning: no --certs", allowed.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, strict.ExitCode);
        Assert.Contains("the export does not end with the checkpoint signed when it was written", strict.Error, StringComparison.Ordinal);
        Assert.True(lenient.ExitCode == ExitCodes.Ok, lenient.Error);
        Assert.Contains("warning: the export does not end with the checkpoint signed when it was written", lenient.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_of_an_empty_trail_is_refused()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var file = trail.Folder.File("trail.jsonl");

        var run = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--certs", pki.Folder);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("the audit trail is empty", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void The_fhir_export_needs_no_gateway_key()
    {
        using var trail = new Trail(pki, entries: 3);

        var run = CliRun.Of("audit", "export", "--data", trail.Data, "--out", trail.Folder.File("trail.fhir.json"), "--format", "fhir");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
    }
}
