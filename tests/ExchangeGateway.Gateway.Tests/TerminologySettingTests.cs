using System.Text;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using CodeableConcept = Hl7.Fhir.Model.CodeableConcept;
using MedicationRequest = Hl7.Fhir.Model.MedicationRequest;

namespace ExchangeGateway.Gateway.Tests;

public class TerminologySettingTests
{
    private const string NoPushes = "https://127.0.0.1:9";

    [Fact]
    public async Task The_gateway_maps_with_the_map_file_Gateway_Terminology_names()
    {
        var folder = Directory.CreateTempSubdirectory("exg-gateway-test-").FullName;
        var map = TerminologyMaps.WriteMethadoneToTestDmdCode(folder);
        await using var gateway = await GatewayUnderTest.StartAsync(NoPushes, args => args.AddRange(["--Gateway:Terminology", map]), folder: folder);

        var submission = SubmissionReader.Read(Encoding.UTF8.GetBytes(Examples.Text(Examples.ReleaseOst))).Submission!;
        var bundle = gateway.Service<ReleaseSummaryMapper>().Map(submission);

        var medication = Assert.IsType<CodeableConcept>(bundle.Entry.Select(e => e.Resource).OfType<MedicationRequest>().First().Medication);
        Assert.Equal("methadone-oral-solution-1mg-ml", medication.Coding[0].Code);
        Assert.Contains(medication.Coding, c => c.System == "https://dmd.nhs.uk" && c.Code == TerminologyMaps.TestDmdCode);
    }

    [Fact]
    public async Task A_missing_map_file_stops_the_gateway_at_start_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("exg-gateway-test-").FullName;
        try
        {
            var missing = Path.Combine(folder, "no-such-map.json");
            var refused = await Assert.ThrowsAsync<GatewayConfigurationException>(
                () => GatewayUnderTest.StartAsync(NoPushes, args => args.AddRange(["--Gateway:Terminology", missing]), folder: folder));
            Assert.Contains($"Gateway:Terminology: terminology file {missing}: does not exist", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
