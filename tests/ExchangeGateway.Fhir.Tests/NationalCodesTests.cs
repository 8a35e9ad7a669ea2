using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public sealed class NationalCodesTests : IDisposable
{
    private const string Dmd = "https://dmd.nhs.uk";
    private const string Snomed = "http://snomed.info/sct";
    private static readonly string MedicationSystem = FhirNames.CodeSystem(FhirNames.Cs.Medication);

    private readonly string folder = Directory.CreateTempSubdirectory("exg-terminology-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string WriteMap(string json)
    {
        var path = Path.Combine(folder, "map.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Submission Read(string json)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Empty(result.Errors);
        return result.Submission!;
    }

    private ReleaseSummaryMapper MapperWithSuppliedMap() => new(
        ProfileSet.Embedded,
        NationalCodes.Embedded.With(WriteMap(TerminologyMaps.MethadoneToTestDmdCode()), ProfileSet.Embedded));

    private static MedicationRequest Prescription(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>()
        .Single(r => r.Category.Any(c => c.Coding.Any(k => k.Code == "prescription")));

    [Fact]
    public void A_supplied_map_adds_its_dmd_coding_to_the_MedicationRequest_after_the_local_coding()
    {
        var bundle = MapperWithSuppliedMap().Map(Read(Examples.Text(Examples.ReleaseOst)));

        var medication = Assert.IsType<CodeableConcept>(Prescription(bundle).Medication);
        Assert.Collection(
            medication.Coding,
            local => Assert.Equal((MedicationSystem, "methadone-oral-solution-1mg-ml"), (local.System, local.Code)),
            national => Assert.Equal((Dmd, TerminologyMaps.TestDmdCode, TerminologyMaps.TestDmdDisplay), (national.System, national.Code, national.Display)));
    }

    [Fact]
    public void Without_a_supplied_map_the_MedicationRequest_carries_only_what_the_embedded_maps_give()
    {
        var bundle = new ReleaseSummaryMapper(ProfileSet.Embedded).Map(Read(Examples.Text(Examples.ReleaseOst)));

        var medication = Assert.IsType<CodeableConcept>(Prescription(bundle).Medication);
        var expected = NationalCodes.Embedded.Translate(MedicationSystem, "methadone-oral-solution-1mg-ml").Select(c => (c.System, c.Code));
        Assert.Equal(expected.Prepend((MedicationSystem, "methadone-oral-solution-1mg-ml")), medication.Coding.Select(c => (c.System, c.Code)));
        Assert.DoesNotContain(medication.Coding, c => c.System == Dmd);
    }

    [Fact]
    public void A_document_with_supplied_national_codings_passes_the_profiles_and_unmaps_to_exactly_the_submission()
    {
        var json = Examples.Text(Examples.ReleaseOst);
        var bundleJson = MapperWithSuppliedMap().MapToJson(Read(json));

        Assert.DoesNotContain(DocumentValidator.Embedded.ValidateJson(bundleJson), i => i.IsError);
        Assert.True(FhirDocumentJson.TryParse(bundleJson, out var bundle, out var problem), problem);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(back)), back);
    }

    [Fact]
    public void The_embedded_maps_put_SNOMED_CT_beside_a_mapped_substance_and_route()
    {
        var bundle = new ReleaseSummaryMapper(ProfileSet.Embedded).Map(Read(Examples.Text(Examples.ReleaseOst)));

        var heroin = bundle.Entry.Select(e => e.Resource).OfType<Observation>()
            .Single(o => o.Value is CodeableConcept value && value.Coding[0].Code == "heroin");
        var value = Assert.IsType<CodeableConcept>(heroin.Value);
        Assert.Equal(FhirNames.CodeSystem(FhirNames.Cs.Substance), value.Coding[0].System);
        Assert.Contains(value.Coding, c => c.System == Snomed && c.Code == "387341002");
        var route = Assert.IsType<CodeableConcept>(heroin.Component.Single(c => c.Code.Coding[0].Code == "route").Value);
        Assert.Equal("smoke", route.Coding[0].Code);
        Assert.Contains(route.Coding, c => c.System == Snomed && c.Code == "446406008");
    }

    [Fact]
    public void A_supplied_map_replaces_an_embedded_mapping_for_the_same_code_and_target_system()
    {
        var codes = NationalCodes.Embedded.With(WriteMap(TerminologyMaps.Unmatched("substance", "heroin", Snomed)), ProfileSet.Embedded);

        Assert.Empty(codes.Translate(FhirNames.CodeSystem(FhirNames.Cs.Substance), "heroin"));
        Assert.NotEmpty(codes.Translate(FhirNames.CodeSystem(FhirNames.Cs.Substance), "alcohol"));
    }

    [Fact]
    public void A_target_narrower_than_the_local_code_is_not_added()
    {
        var codes = NationalCodes.Embedded.With(WriteMap(TerminologyMaps.MethadoneToTestDmdCode("narrower")), ProfileSet.Embedded);

        Assert.DoesNotContain(codes.Translate(MedicationSystem, "methadone-oral-solution-1mg-ml"), c => c.System == Dmd);
    }

    [Fact]
    public void A_missing_map_file_is_refused_naming_the_file()
    {
        var missing = Path.Combine(folder, "absent.json");

        var refusal = Assert.Throws<TerminologyFileException>(() => NationalCodes.Embedded.With(missing, ProfileSet.Embedded));

        Assert.Contains(missing, refusal.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "not a readable FHIR R4 resource")]
    [InlineData("""{ "resourceType": "ValueSet", "status": "active" }""", "expected a ConceptMap or a Bundle of ConceptMaps")]
    public void A_map_file_that_is_not_a_ConceptMap_is_refused_saying_why(string content, string reason)
    {
        var path = WriteMap(content);

        var refusal = Assert.Throws<TerminologyFileException>(() => NationalCodes.Embedded.With(path, ProfileSet.Embedded));

        Assert.Contains(path, refusal.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_map_naming_a_code_its_CodeSystem_lacks_is_refused()
    {
        var path = WriteMap(TerminologyMaps.MethadoneToTestDmdCode().Replace("methadone-oral-solution-1mg-ml", "methadone-typo", StringComparison.Ordinal));

        var refusal = Assert.Throws<TerminologyFileException>(() => NationalCodes.Embedded.With(path, ProfileSet.Embedded));

        Assert.Contains("'methadone-typo' is not in CodeSystem", refusal.Message, StringComparison.Ordinal);
    }
}
