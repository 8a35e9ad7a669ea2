using System.Text.Json.Nodes;
using ExchangeGateway.Audit.Tests;
using ExchangeGateway.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Cli.Tests;

/// <summary><c>exg audit verify|query|export</c> on a data folder's SQLite database, named by --data or --database.</summary>
[Collection(AuditPkiCollection.Name)]
public sealed class AuditCommandsTests(PkiFixture pki)
{
    [Fact]
    public void Verify_of_an_untouched_database_exits_0_and_reports_the_head()
    {
        using var trail = new Trail(pki);

        var run = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        Assert.Contains("verified: 30 entries, head seq 30", run.Output, StringComparison.Ordinal);
        Assert.Contains("last checkpoint #4 at seq 30 (shutdown", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_of_a_tampered_database_exits_1_and_names_the_first_bad_seq()
    {
        using var trail = new Trail(pki);
        trail.DropTriggers();
        trail.Sql("UPDATE audit_entries SET actor = 'BMI' WHERE seq = 17");

        var run = CliRun.Of("audit", "verify", "--data", trail.Data, "--certs", pki.Folder);

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("first bad entry: seq 17:", run.Error, StringComparison.Ordinal);
        Assert.Contains("warning: the append-only triggers", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_then_verify_the_file_exits_0_and_a_tampered_file_exits_1()
    {
        using var trail = new Trail(pki);
        var file = trail.Folder.File("out/trail.jsonl");

        var export = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--certs", pki.Folder);
        var good = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder);
        var lines = File.ReadAllLines(file).ToList();
        lines.RemoveAt(lines.FindIndex(l => l.Contains("\"seq\":9,", StringComparison.Ordinal) && !l.Contains("checkpoint", StringComparison.Ordinal)));
        File.WriteAllLines(file, lines);
        var bad = CliRun.Of("audit", "verify", "--file", file, "--certs", pki.Folder);

        Assert.True(export.ExitCode == ExitCodes.Ok, export.Error);
        Assert.Contains("exported 30 entries", export.Output, StringComparison.Ordinal);
        Assert.True(good.ExitCode == ExitCodes.Ok, good.Error);
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.Contains("first bad entry: seq 9:", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_as_fhir_writes_an_r4_bundle()
    {
        using var trail = new Trail(pki, entries: 4);
        var file = trail.Folder.File("trail.fhir.json");

        var run = CliRun.Of("audit", "export", "--data", trail.Data, "--out", file, "--format", "fhir");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(File.ReadAllText(file));
        Assert.Equal(4, bundle.Entry.Count);
        Assert.All(bundle.Entry, e => Assert.IsType<AuditEvent>(e.Resource));
    }

    [Fact]
    public void Export_in_an_unknown_format_is_a_usage_error()
    {
        using var trail = new Trail(pki, entries: 1);

        var run = CliRun.Of("audit", "export", "--data", trail.Data, "--out", trail.Folder.File("x"), "--format", "csv");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void Query_by_nhs_number_lists_only_that_persons_entries()
    {
        using var trail = new Trail(pki);
        var expected = Enumerable.Range(1, 30).Where(i => trail.SubjectsOf(i).Contains(trail.PersonA)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var run = CliRun.Of("audit", "query", "--data", trail.Data, "--subject", Trail.NhsNumber);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines.Select(l => l.Split('\t')[0]));
        Assert.DoesNotContain(Trail.NhsNumber, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_by_prison_number_between_two_dates_writes_json()
    {
        using var trail = new Trail(pki);
        var from = trail.TimeOf(10).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var to = ExchangeGateway.Audit.AuditChain.FormatTime(trail.TimeOf(20));

        var run = CliRun.Of("audit", "query", "--data", trail.Data, "--subject", "a1234bc", "--from", from, "--to", to, "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Error);
        var seqs = JsonNode.Parse(run.Output)!.AsArray().Select(e => (long)e!["seq"]!);
        Assert.Equal(Enumerable.Range(10, 11).Where(i => trail.SubjectsOf(i).Contains(trail.PersonB)).Select(i => (long)i), seqs);
    }

    [Theory]
    [InlineData("--subject", "9434765918")]
    [InlineData("--from", "2026-01-01T10:00:00")]
    [InlineData("--to", "yesterday")]
    public void Query_with_a_bad_nhs_number_or_a_time_without_offset_is_a_usage_error(string option, string value)
    {
        using var trail = new Trail(pki, entries: 1);
        string[] args = option == "--subject"
            ? ["audit", "query", "--data", trail.Data, "--subject", value]
            : ["audit", "query", "--data", trail.Data, "--subject", Trail.NhsNumber, option, value];

        var run = CliRun.Of(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("exg: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_never_makes_an_audit_key()
    {
        using var data = new TempFolder();

        var run = CliRun.Of("audit", "query", "--data", data.Path, "--subject", Trail.NhsNumber);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.False(File.Exists(data.File("audit.key")));
    }

    [Theory]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    [InlineData(false, false, false)]
    public void Verify_needs_exactly_one_of_data_database_and_file(bool withData, bool withDatabase, bool withFile)
    {
        using var trail = new Trail(pki, entries: 1);
        List<string> args = ["audit", "verify", "--certs", pki.Folder];
        if (withData)
        {
            args.AddRange(["--data", trail.Data]);
        }

        if (withDatabase)
        {
            args.AddRange(["--database", trail.Folder.File(DatabaseLocation.SqliteFileName)]);
        }

        if (withFile)
        {
            args.AddRange(["--file", trail.Folder.File("x.jsonl")]);
        }

        var run = CliRun.Of([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public void Verify_of_a_folder_without_a_database_is_a_usage_error_and_creates_nothing()
    {
        using var data = new TempFolder();

        var run = CliRun.Of("audit", "verify", "--data", data.Path, "--certs", pki.Folder);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    [Fact]
    public void Verify_without_certs_is_a_usage_error()
    {
        using var trail = new Trail(pki, entries: 1);

        Assert.Equal(ExitCodes.Usage, CliRun.Of("audit", "verify", "--data", trail.Data).ExitCode);
    }
}
