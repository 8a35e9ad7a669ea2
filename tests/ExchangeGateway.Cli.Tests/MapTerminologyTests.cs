using System.Text.Json.Nodes;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Cli.Tests;

public class MapTerminologyTests
{
    [Fact]
    public void Map_with_a_terminology_file_adds_its_dmd_coding_and_unmap_still_returns_exactly_the_submission()
    {
        using var folder = new TempFolder();
        var map = TerminologyMaps.WriteMethadoneToTestDmdCode(folder.Path);
        var bundle = folder.File("bundle.json");
        var back = folder.File("back.json");

        var run = CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst), "--terminology", map, "--out", bundle);

        Assert.True(run.ExitCode == 0, run.Error);
        var codings = JsonNode.Parse(File.ReadAllText(bundle))!["entry"]!.AsArray()
            .Select(e => e!["resource"]!)
            .Where(r => r["resourceType"]!.GetValue<string>() == "MedicationRequest")
            .Select(r => r["medicationCodeableConcept"]!["coding"]!.AsArray())
            .First();
        Assert.Equal("methadone-oral-solution-1mg-ml", codings[0]!["code"]!.GetValue<string>());
        Assert.Contains(codings, c => c!["system"]!.GetValue<string>() == "https://dmd.nhs.uk" && c["code"]!.GetValue<string>() == TerminologyMaps.TestDmdCode);
        var validate = CliRun.Of("validate", bundle);
        Assert.True(validate.ExitCode == 0, validate.Error);
        Assert.Equal(0, CliRun.Of("unmap", bundle, "--out", back).ExitCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Examples.Text(Examples.ReleaseOst)), JsonNode.Parse(File.ReadAllText(back))));
    }

    [Fact]
    public void Map_with_a_missing_terminology_file_exits_1_naming_the_file()
    {
        using var folder = new TempFolder();
        var missing = folder.File("no-such-map.json");

        var run = CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst), "--terminology", missing);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: terminology file {missing}: does not exist", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public void Map_with_a_terminology_file_that_is_not_a_ConceptMap_exits_1_saying_why()
    {
        using var folder = new TempFolder();
        var notAMap = folder.File("map.json");
        File.WriteAllText(notAMap, File.ReadAllText(Examples.PathOf(Examples.Transfer)));

        var run = CliRun.Of("map", Examples.PathOf(Examples.ReleaseOst), "--terminology", notAMap);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: terminology file {notAMap}: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }
}
