using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir.Tests;

public class NhsNumberStatusTests
{
    private const string StatusExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    private const string StatusCodeSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;

    private static string TransferWithStatus(string? status)
    {
        var json = Examples.Json(Examples.Transfer);
        if (status is not null)
        {
            json["dir"]!["client"]!["nhsNumberStatus"] = status;
        }

        return json.ToJsonString();
    }

    private static Bundle Map(string submissionJson)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(submissionJson));
        Assert.Empty(result.Errors);
        return Mapper.Map(result.Submission!);
    }

    private static Identifier NhsNumber(Bundle bundle) =>
        bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Identifier.Single(i => i.System == "https://fhir.nhs.uk/Id/nhs-number");

    private static Coding StatusOf(Identifier identifier) =>
        Assert.Single(Assert.IsType<CodeableConcept>(identifier.GetExtension(StatusExtension)?.Value).Coding);

    private static JsonNode? Unmapped(Bundle bundle) => JsonNode.Parse(SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle)));

    [Fact]
    public void A_given_status_is_carried_in_the_UK_Core_extension_and_unmaps_to_itself()
    {
        var input = TransferWithStatus("01");
        var bundle = Map(input);

        var status = StatusOf(NhsNumber(bundle));
        Assert.Equal((StatusCodeSystem, "01", "Number present and verified"), (status.System, status.Code, status.Display));
        Assert.Single(NhsNumber(bundle).Extension);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(input), Unmapped(bundle)));
    }

    [Fact]
    public void An_absent_status_is_written_as_02_marked_defaulted_and_unmaps_to_absent()
    {
        var input = TransferWithStatus(null);
        var bundle = Map(input);

        Assert.Equal("02", StatusOf(NhsNumber(bundle)).Code);
        Assert.Equal(true, (NhsNumber(bundle).GetExtension(FhirNames.StructureDefinition(FhirNames.Ext.NhsNumberStatusDefaulted))?.Value as FhirBoolean)?.Value);
        var back = Unmapped(bundle);
        Assert.Null(back!["dir"]!["client"]!["nhsNumberStatus"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(input), back));
    }

    [Fact]
    public void A_status_of_02_given_by_the_sender_is_not_marked_defaulted_and_unmaps_to_02()
    {
        var bundle = Map(TransferWithStatus("02"));

        Assert.Single(NhsNumber(bundle).Extension);
        Assert.Equal("02", Unmapped(bundle)!["dir"]!["client"]!["nhsNumberStatus"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("01")]
    [InlineData("03")]
    [InlineData(null)]
    public void A_document_with_the_status_passes_the_profiles(string? status)
    {
        var issues = Validator.ValidateJson(FhirSerialization(Map(TransferWithStatus(status))));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void A_status_code_outside_the_UK_Core_value_set_is_refused_by_the_profiles()
    {
        var bundle = Map(TransferWithStatus("01"));
        StatusOf(NhsNumber(bundle)).Code = "99";

        Assert.Contains(Validator.Validate(bundle), i => i.Message.Contains("UKCore-NHSNumberVerificationStatus", StringComparison.Ordinal));
    }

    [Fact]
    public void The_status_extension_on_anything_but_the_patient_identifier_is_refused_by_the_profiles()
    {
        var bundle = Map(TransferWithStatus("01"));
        var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
        patient.Extension.Add(NhsNumber(bundle).GetExtension(StatusExtension)!);

        Assert.Contains(Validator.Validate(bundle), i => i.IsError && i.Message.Contains("Patient.identifier", StringComparison.Ordinal));
    }

    private static string FhirSerialization(Bundle bundle) => FhirJsonSerializer.Default.SerializeToString(bundle, true);
}
