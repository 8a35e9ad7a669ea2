using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class MinimisedDocumentTests
{
    private const string Everything = ExampleCopies.Everything;

    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;

    public static TheoryData<string, string> ExamplesAndRecipients => ExampleCopies.ExamplesAndRecipients;

    private static readonly string[] RecipientTypes = ExampleCopies.RecipientTypes;

    private static Submission Read(string example) => ExampleCopies.Read(example);

    private static Bundle Copy(string example, string recipientType) => Mapper.Map(RecordMinimiser.For(Read(example), recipientType));

    private static IEnumerable<Resource> Resources(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Resource>();

    private static IEnumerable<string?> SectionCodes(Bundle bundle) => Assert.IsType<Composition>(bundle.Entry[0].Resource).Section.Select(s => s.Code?.Coding[0].Code);

    private static bool IsObservation(Resource resource, string code) => resource is Observation o && o.Code?.Coding[0].Code == code;

    [Theory]
    [MemberData(nameof(ExamplesAndRecipients))]
    public void The_sealed_form_of_each_copy_is_the_pretty_document_compacted_and_passes_the_profiles(string example, string recipientType)
    {
        var minimised = RecordMinimiser.For(Read(example), recipientType);

        var compact = Mapper.MapToUtf8(minimised, []);
        var pretty = Mapper.MapToJson(minimised, []);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(pretty), JsonNode.Parse(compact)));
        Assert.True(compact.Length < Encoding.UTF8.GetByteCount(pretty) * 0.9, $"{compact.Length} bytes compact against {Encoding.UTF8.GetByteCount(pretty)} pretty");
        Assert.Equal(compact, Mapper.MapToUtf8(minimised, []));
        Assert.Empty(Validator.ValidateJson(Encoding.UTF8.GetString(compact)));
        Assert.Contains("<div xmlns=", Encoding.UTF8.GetString(compact), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExamplesAndRecipients))]
    public void Each_recipients_copy_passes_the_profiles_and_unmaps_to_the_minimised_submission(string example, string recipientType)
    {
        var minimised = RecordMinimiser.For(Read(example), recipientType);

        var bundleJson = Mapper.MapToJson(minimised);
        var issues = Validator.ValidateJson(bundleJson);
        Assert.True(issues.Count == 0, string.Join("\n", issues));

        Assert.True(FhirDocumentJson.TryParse(bundleJson, out var bundle, out var problem), problem);
        var expected = SubmissionJson.Serialize(minimised);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(back)), $"unmap(map(minimised)) differs from minimised:\n{back}");
    }

    [Theory]
    [InlineData(Examples.ReleaseOst)]
    [InlineData(Examples.Transfer)]
    [InlineData(Everything)]
    public void The_prison_copy_is_byte_identical_to_the_full_document(string example) =>
        Assert.Equal(Mapper.MapToJson(Read(example)), Mapper.MapToJson(RecordMinimiser.For(Read(example), AgencyTypes.Prison)));

    [Theory]
    [InlineData(Examples.ReleaseOst)]
    [InlineData(Examples.Transfer)]
    [InlineData(Everything)]
    public void Cjit_copy_has_no_BBV_observation(string example)
    {
        Assert.Contains(Resources(Mapper.Map(Read(example))), r => IsObservation(r, FhirNames.Obs.BbvStatus));
        Assert.DoesNotContain(Resources(Copy(example, AgencyTypes.Cjit)), r => IsObservation(r, FhirNames.Obs.BbvStatus));
    }

    [Fact]
    public void Cjit_copy_has_no_mental_health_need()
    {
        var risks = Resources(Copy(Examples.ReleaseOst, AgencyTypes.Cjit)).OfType<Observation>().Single(o => IsObservation(o, FhirNames.Obs.RiskAssessment));
        Assert.Equal(
            [FhirNames.Obs.OverdoseRisk, FhirNames.Obs.ReducedTolerance, FhirNames.Obs.SelfHarm],
            risks.Component.Select(c => c.Code.Coding[0].Code));
    }

    [Fact]
    public void Cjit_copy_has_no_keyworker_notes_section_or_content()
    {
        var bundle = Copy(Examples.ReleaseOst, AgencyTypes.Cjit);

        Assert.DoesNotContain("keyworker-notes", SectionCodes(bundle));
        Assert.DoesNotContain(Resources(bundle), r => IsObservation(r, FhirNames.Obs.KeyworkerNote));
        Assert.DoesNotContain("psychosocial group", Mapper.MapToJson(RecordMinimiser.For(Read(Examples.ReleaseOst), AgencyTypes.Cjit)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Examples.ReleaseOst, "Dr A Patel")]
    [InlineData(Examples.Transfer, "Dr K Mensah")]
    public void Cjit_copy_of_a_prescription_has_no_prescriber_and_is_labelled_redacted(string example, string prescriber)
    {
        var bundle = Copy(example, AgencyTypes.Cjit);

        var request = Resources(bundle).OfType<MedicationRequest>().Single();
        Assert.Null(request.Requester);
        Assert.Null(request.DosageInstruction.Single().Timing);
        Assert.Contains(request.Meta?.Security ?? [], c => c.Code == "REDACTED");
        Assert.DoesNotContain(Resources(bundle).OfType<Hl7.Fhir.Model.Practitioner>(), p => p.Name[0].Text == prescriber);
    }

    [Fact]
    public void Cjit_copy_gives_the_date_of_the_last_dose_only()
    {
        var dose = Resources(Copy(Examples.ReleaseOst, AgencyTypes.Cjit)).OfType<MedicationAdministration>().Single();

        Assert.Equal("2026-03-13", Assert.IsType<FhirDateTime>(dose.Effective).Value);
        Assert.Empty(dose.Extension);
        Assert.Contains(dose.Meta?.Security ?? [], c => c.Code == "ABSTRED");
    }

    [Fact]
    public void Cjit_copy_has_no_bridging_prescription_or_naloxone_but_keeps_the_offence()
    {
        var bundle = Copy(Examples.ReleaseOst, AgencyTypes.Cjit);

        Assert.DoesNotContain(Resources(bundle).OfType<MedicationRequest>(), r => r.Category[0].Coding[0].Code == "bridging");
        Assert.DoesNotContain(Resources(bundle), r => IsObservation(r, FhirNames.Obs.NaloxoneSupply));
        Assert.Contains("offence", SectionCodes(bundle));
    }

    [Theory]
    [InlineData(AgencyTypes.Gp)]
    [InlineData(AgencyTypes.CommunityTreatment)]
    public void Gp_and_community_treatment_copies_have_no_offence_or_keyworker_notes(string recipientType)
    {
        var bundle = Copy(Examples.ReleaseOst, recipientType);

        Assert.DoesNotContain("offence", SectionCodes(bundle));
        Assert.DoesNotContain("keyworker-notes", SectionCodes(bundle));
        Assert.DoesNotContain(Resources(bundle), r => IsObservation(r, FhirNames.Obs.Offence) || IsObservation(r, FhirNames.Obs.KeyworkerNote));
        Assert.Contains(Resources(bundle), r => IsObservation(r, FhirNames.Obs.BbvStatus));
        Assert.Contains(Resources(bundle).OfType<MedicationRequest>(), r => r.Requester is not null);
    }

    [Fact]
    public void A_full_prescription_without_a_prescriber_is_refused_by_the_profiles()
    {
        var bundle = Mapper.Map(Read(Examples.Transfer));
        Resources(bundle).OfType<MedicationRequest>().Single().Requester = null;

        Assert.Contains(Validator.Validate(bundle), i => i.Message.Contains("eg-mrq-3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_full_prescription_without_a_prescriber_does_not_unmap()
    {
        var bundle = Mapper.Map(Read(Examples.Transfer));
        Resources(bundle).OfType<MedicationRequest>().Single().Requester = null;

        var error = Assert.Throws<UnmapException>(() => SubmissionUnmapper.Unmap(bundle));
        Assert.Equal("MedicationRequest.requester", error.Path);
    }

    [Fact]
    public void A_date_only_last_dose_without_the_abstracted_label_is_refused_by_the_profiles()
    {
        var bundle = Copy(Examples.Transfer, AgencyTypes.Cjit);
        Resources(bundle).OfType<MedicationAdministration>().Single().Meta = null;

        Assert.Contains(Validator.Validate(bundle), i => i.Message.Contains("eg-mad-1", StringComparison.Ordinal));
    }
}
