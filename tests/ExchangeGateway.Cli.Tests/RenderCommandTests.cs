using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Cli.Tests;

public class RenderCommandTests
{
    public static TheoryData<string> ExampleNames => [.. Examples.All];

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Render_writes_a_clinician_page_and_a_person_pack_for_each_example(string example)
    {
        using var folder = new TempFolder();
        var bundle = folder.File("bundle.json");
        Assert.Equal(0, CliRun.Of("map", Examples.PathOf(example), "--out", bundle).ExitCode);

        var clinician = CliRun.Of("render", bundle, "--out", folder.File("clinician.html"));
        var person = CliRun.Of("render", bundle, "--for", "person", "--out", folder.File("person.html"));

        Assert.True(clinician.ExitCode == 0, clinician.Error);
        Assert.True(person.ExitCode == 0, person.Error);
        Assert.Contains("id=\"flags\"", File.ReadAllText(folder.File("clinician.html")), StringComparison.Ordinal);
        Assert.Contains("<h1>Your", File.ReadAllText(folder.File("person.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_writes_to_standard_output_without_out_and_names_agencies_from_a_directory_file()
    {
        using var folder = new TempFolder();
        var bundle = folder.File("bundle.json");
        var agencies = folder.File("agencies.json");
        File.WriteAllText(agencies, """{ "agencies": [ { "id": "CJIT-LEEDS", "type": "cjit", "name": "Leeds CJIT" } ] }""");
        Assert.Equal(0, CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst), "--out", bundle).ExitCode);

        var run = CliRun.Of("render", bundle, "--for", "person", "--agencies", agencies);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("<!DOCTYPE html>", run.Output, StringComparison.Ordinal);
        Assert.Contains("Leeds CJIT (CJIT-LEEDS)", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_writes_a_page_for_a_business_response_and_refuses_a_person_pack_of_it_naming_why()
    {
        using var folder = new TempFolder();
        var document = folder.File("response.json");
        File.WriteAllText(document, new ResponseDocumentMapper(ProfileSet.Embedded).MapToJson(new ResponseNotice(
            "msg-7f3a",
            "sub-2b91",
            EventTypes.Transfer,
            "LEI",
            AgencyTypes.Prison,
            "HLI",
            new BusinessResponse(ResponseOutcome.Rejected, new Responder("Dr A Khan", "Prescriber", "GMC 1234567"), Reason: "No detox bed until Monday"),
            new DateTimeOffset(2026, 3, 12, 12, 0, 0, TimeSpan.Zero))));

        var clinician = CliRun.Of("render", document, "--out", folder.File("clinician.html"));
        var person = CliRun.Of("render", document, "--for", "person", "--out", folder.File("person.html"));

        Assert.True(clinician.ExitCode == 0, clinician.Error);
        var page = File.ReadAllText(folder.File("clinician.html"));
        Assert.Contains("<h1>Business response</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>Dr A Khan</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>msg-7f3a</dd>", page, StringComparison.Ordinal);
        Assert.Contains("No detox bed until Monday", page, StringComparison.Ordinal);
        Assert.True(person.ExitCode == 1, $"exit {person.ExitCode}: {person.Error}");
        Assert.Contains("not the person's own record", person.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("person.html")));
    }

    public static TheoryData<string> ReplyNames => [.. Examples.Replies];

    [Theory]
    [MemberData(nameof(ReplyNames))]
    public void Render_refuses_a_person_pack_of_a_reply_with_exit_1_naming_why(string reply)
    {
        using var folder = new TempFolder();
        var bundle = folder.File("bundle.json");
        Assert.Equal(0, CliRun.Of("map", Examples.PathOf(reply), "--out", bundle).ExitCode);

        var run = CliRun.Of("render", bundle, "--for", "person", "--out", folder.File("person.html"));

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("not the person's own record", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, CliRun.Of("render", bundle, "--out", folder.File("clinician.html")).ExitCode);
    }

    [Theory]
    [InlineData("{}", "not a readable FHIR R4 Bundle")]
    [InlineData("""{ "resourceType": "Patient", "id": "p" }""", "not a Bundle")]
    [InlineData("""{ "resourceType": "Bundle", "type": "collection" }""", "Bundle.entry[0]")]
    [InlineData("not json", "not a readable FHIR R4 Bundle")]
    public void Render_refuses_what_is_not_a_document_with_exit_1_naming_why(string content, string reason)
    {
        using var folder = new TempFolder();
        var file = folder.File("input.json");
        File.WriteAllText(file, content);

        var run = CliRun.Of("render", file, "--out", folder.File("page.html"));

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("page.html")));
    }

    [Fact]
    public void Render_refuses_an_unreadable_agency_directory_with_exit_1()
    {
        using var folder = new TempFolder();
        var bundle = folder.File("bundle.json");
        var agencies = folder.File("agencies.json");
        File.WriteAllText(agencies, """{ "agencies": [ { "id": "X", "type": "spaceship", "name": "X" } ] }""");
        Assert.Equal(0, CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst), "--out", bundle).ExitCode);

        var run = CliRun.Of("render", bundle, "--agencies", agencies);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a readable agency directory", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_for_an_audience_it_does_not_know_is_a_usage_error_with_exit_2()
    {
        Assert.Equal(2, CliRun.Of("render", Examples.PathOf(Examples.ReleaseOst), "--for", "everyone").ExitCode);
    }
}
