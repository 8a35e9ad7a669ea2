using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class MappingRoundTripTests
{
    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);

    public static TheoryData<string> ExampleNames => [.. Examples.All];

    private static Submission Read(string json)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Empty(result.Errors);
        return result.Submission!;
    }

    private static void AssertRoundTrips(string inputJson)
    {
        var bundleJson = Mapper.MapToJson(Read(inputJson));
        Assert.True(FhirDocumentJson.TryParse(bundleJson, out var bundle, out var problem), problem);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle!));
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(inputJson), JsonNode.Parse(back)),
            $"unmap(map(x)) differs from x:\n{back}");
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Each_example_round_trips_through_map_and_unmap_to_equal_JSON(string example) => AssertRoundTrips(Examples.Text(example));

    [Fact]
    public void A_submission_using_every_field_round_trips() => AssertRoundTrips(Examples.Everything().ToJsonString());

    [Fact]
    public void A_release_plan_without_custody_round_trips()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["dir"]!.AsObject().Remove("custody");
        AssertRoundTrips(json.ToJsonString());
    }

    [Fact]
    public void A_submission_without_prescribing_round_trips()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["type"] = "release-notice";
        json.Remove("prescribing");
        AssertRoundTrips(json.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void The_same_input_maps_to_byte_identical_output(string example)
    {
        var first = Mapper.MapToJson(Read(Examples.Text(example)));
        var second = new ReleaseSummaryMapper(ProfileSet.Embedded).MapToJson(Read(Examples.Text(example)));
        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Each_example_maps_to_a_document_that_passes_the_profiles(string example)
    {
        var issues = DocumentValidator.Embedded.ValidateJson(Mapper.MapToJson(Read(Examples.Text(example))));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void A_submission_using_every_field_maps_to_a_document_that_passes_the_profiles()
    {
        var issues = DocumentValidator.Embedded.ValidateJson(Mapper.MapToJson(Read(Examples.Everything().ToJsonString())));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void The_document_starts_with_a_Composition_and_carries_the_submission_id()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.ReleaseOst)));
        Assert.Equal(Bundle.BundleType.Document, bundle.Type);
        Assert.IsType<Composition>(bundle.Entry[0].Resource);
        Assert.Equal("6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81", bundle.Identifier?.Value);
        Assert.All(bundle.Entry, e => Assert.StartsWith("urn:uuid:", e.FullUrl, StringComparison.Ordinal));
    }

    [Fact]
    public void The_patient_is_identified_by_NHS_number_under_the_NHS_system()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.ReleaseOst)));
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        Assert.Contains(patient.Identifier, i => i.System == "https://fhir.nhs.uk/Id/nhs-number" && i.Value == "9434765919");
    }

    [Fact]
    public void The_GP_practice_is_an_Organization_under_its_ODS_code()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.ReleaseOst)));
        Assert.Contains(
            bundle.Entry.Select(e => e.Resource).OfType<Organization>(),
            o => o.Identifier.Any(i => i.System == "https://fhir.nhs.uk/Id/ods-organization-code" && i.Value == "B86030"));
    }

    [Fact]
    public void The_last_dose_keeps_its_exact_time_and_offset()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.Transfer)));
        var dose = bundle.Entry.Select(e => e.Resource).OfType<MedicationAdministration>().Single();
        Assert.Equal("2026-02-04T06:45:00+00:00", Assert.IsType<FhirDateTime>(dose.Effective).Value);
        Assert.Equal("mg", dose.Dosage?.Dose?.Code);
    }

    [Fact]
    public void The_composition_type_follows_the_event()
    {
        var transfer = Assert.IsType<Composition>(Mapper.Map(Read(Examples.Text(Examples.Transfer))).Entry[0].Resource);
        var release = Assert.IsType<Composition>(Mapper.Map(Read(Examples.Text(Examples.ReleaseOst))).Entry[0].Resource);
        Assert.Equal("transfer-record", transfer.Type?.Coding[0].Code);
        Assert.Equal("release-summary", release.Type?.Coding[0].Code);
    }

    [Fact]
    public void Every_reference_resolves_inside_the_bundle()
    {
        var bundle = Mapper.Map(Read(Examples.Everything().ToJsonString()));
        var urls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
        var json = Mapper.MapToJson(Read(Examples.Everything().ToJsonString()));
        foreach (var reference in System.Text.RegularExpressions.Regex.Matches(json, "\"reference\": \"([^\"]+)\"").Select(m => m.Groups[1].Value))
        {
            Assert.Contains(reference, urls);
        }
    }
}
