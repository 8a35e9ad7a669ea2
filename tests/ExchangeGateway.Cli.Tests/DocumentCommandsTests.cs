using System.Text.Json.Nodes;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Cli.Tests;

public class DocumentCommandsTests
{
    // The replies (reception-reply, engagement) included: exg maps, validates and unmaps them like a prison's event.
    public static TheoryData<string> ExampleNames => [.. Examples.All, .. Examples.Replies];

    [Theory]
    [MemberData(nameof(BadSubmissions.TheoryData), MemberType = typeof(BadSubmissions))]
    public void Map_refuses_each_broken_rule_with_exit_1_naming_the_field(string rule, string path) =>
        AssertMapRefuses(BadSubmissions.Named(rule).Body(), path);

    [Theory]
    [MemberData(nameof(HostileSubmissions.TheoryData), MemberType = typeof(HostileSubmissions))]
    public void Map_refuses_each_hostile_input_with_exit_1_naming_the_field(string rule, string path) =>
        AssertMapRefuses(HostileSubmissions.Named(rule).Body(), path);

    private static void AssertMapRefuses(byte[] body, string path)
    {
        using var folder = new TempFolder();
        var file = folder.File("bad.json");
        File.WriteAllBytes(file, body);

        var run = CliRun.Of("map", file);

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains($"error: {path}: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Map_validate_and_unmap_take_each_example_there_and_back(string example)
    {
        using var folder = new TempFolder();
        var bundle = folder.File("bundle.json");
        var back = folder.File("back.json");

        Assert.Equal(0, CliRun.Of("map", Examples.PathOf(example), "--out", bundle).ExitCode);
        var validate = CliRun.Of("validate", bundle);
        Assert.True(validate.ExitCode == 0, validate.Error);
        Assert.Equal(0, CliRun.Of("unmap", bundle, "--out", back).ExitCode);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Examples.Text(example)), JsonNode.Parse(File.ReadAllText(back))));
    }

    [Fact]
    public void Map_writes_the_document_to_standard_output_without_out()
    {
        var run = CliRun.Of("map", Examples.PathOf(Examples.Transfer));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("Bundle", JsonNode.Parse(run.Output)!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error_with_exit_2()
    {
        var run = CliRun.Of("map", Examples.PathOf(Examples.Transfer), "--bogus");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--bogus", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_argument_is_a_usage_error_with_exit_2() => Assert.Equal(2, CliRun.Of("map").ExitCode);

    [Fact]
    public void A_file_that_does_not_exist_is_a_usage_error_naming_it()
    {
        var run = CliRun.Of("map", "/nonexistent/submission.json");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/nonexistent/submission.json", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("map", "--help")]
    [InlineData("unmap", "--help")]
    [InlineData("validate", "--help")]
    public void Help_is_available_everywhere(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unmap_of_something_that_is_not_a_bundle_exits_1()
    {
        using var folder = new TempFolder();
        var file = folder.File("not-a-bundle.json");
        File.WriteAllText(file, "{\"resourceType\": \"Patient\"}");
        var run = CliRun.Of("unmap", file);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }

    private static string MappedBundle(TempFolder folder, Action<JsonObject> change)
    {
        var mapped = JsonNode.Parse(CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst)).Output)!.AsObject();
        change(mapped);
        var file = folder.File("changed.json");
        File.WriteAllText(file, mapped.ToJsonString());
        return file;
    }

    private static JsonArray Entries(JsonObject bundle) => bundle["entry"]!.AsArray();

    private static JsonObject EntryOf(JsonObject bundle, string resourceType) =>
        Entries(bundle).Select(e => e!.AsObject()).First(e => e["resource"]!["resourceType"]!.GetValue<string>() == resourceType);

    [Fact]
    public void Validate_rejects_a_bundle_with_no_Patient()
    {
        using var folder = new TempFolder();
        var file = MappedBundle(folder, b => Entries(b).Remove(EntryOf(b, "Patient")));
        var run = CliRun.Of("validate", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Patient", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_a_dangling_reference_by_the_document_profile()
    {
        using var folder = new TempFolder();
        const string Dangling = "urn:uuid:00000000-0000-4000-8000-000000000000";
        var file = MappedBundle(folder, b => EntryOf(b, "MedicationAdministration")["resource"]!["subject"]!["reference"] = Dangling);
        var run = CliRun.Of("validate", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error: Bundle: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("eg-bdl-5", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_rejects_a_MedicationAdministration_with_no_time()
    {
        using var folder = new TempFolder();
        var file = MappedBundle(folder, b => EntryOf(b, "MedicationAdministration")["resource"]!.AsObject().Remove("effectiveDateTime"));
        var run = CliRun.Of("validate", file);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("MedicationAdministration", run.Error, StringComparison.Ordinal);
        Assert.Contains("effective", run.Error, StringComparison.Ordinal);
    }
}
