using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class UnplannedReleaseAlertTests
{
    private static readonly UnplannedReleaseAlertMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;
    private static readonly DateTimeOffset AcceptedAt = new(2026, 3, 13, 9, 31, 0, TimeSpan.Zero);

    // A release from court of a person on methadone with no bridging prescription, cut down for the CJIT.
    private static Submission CourtRelease()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["plannedRelease"] = false;
        json["prescribing"]!.AsObject().Remove("bridgingPrescription");
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.True(UnplannedReleaseAlert.IsRaisedBy(result.Submission!));
        return RecordMinimiser.For(result.Submission!, AgencyTypes.Cjit);
    }

    [Fact]
    public void The_CJIT_alert_passes_the_profiles()
    {
        var issues = Validator.ValidateJson(Mapper.MapToJson(CourtRelease(), AcceptedAt));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void The_alert_is_an_unplanned_release_alert_document_from_the_gateway()
    {
        var bundle = Mapper.Map(CourtRelease(), AcceptedAt);
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);

        Assert.Equal("unplanned-release-alert", composition.Type!.Coding.Single().Code);
        Assert.Equal("Unplanned release alert", composition.Title);
        Assert.Equal("DIR-HLI-2026-000417", composition.Identifier!.Value);
        var author = Assert.IsType<Organization>(bundle.Entry.Single(e => e.FullUrl == composition.Author.Single().Reference).Resource);
        Assert.Equal("gateway", author.Identifier.Single().Value);
        Assert.Equal("6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81/unplanned-release-alert", bundle.Identifier!.Value);
    }

    [Fact]
    public void The_alert_holds_one_unplanned_release_without_bridging_Flag_with_plain_text_about_the_Patient()
    {
        var bundle = Mapper.Map(CourtRelease(), AcceptedAt);
        var section = Assert.Single(Assert.IsType<Composition>(bundle.Entry[0].Resource).Section);
        var flag = Assert.IsType<Flag>(bundle.Entry.Single(e => e.FullUrl == Assert.Single(section.Entry).Reference).Resource);

        Assert.Equal("risks-alerts", section.Code!.Coding.Single().Code);
        Assert.Equal(("https://exchange-gateway.example/fhir/CodeSystem/safety-flag", UnplannedReleaseAlert.FlagCode), (flag.Code.Coding.Single().System, flag.Code.Coding.Single().Code));
        Assert.Equal("Unplanned release on OST without a bridging prescription", flag.Code.Coding.Single().Display);
        Assert.Contains("no bridging prescription", flag.Code.Text, StringComparison.Ordinal);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Patient).FullUrl, flag.Subject!.Reference);
        Assert.Single(bundle.Entry, e => e.Resource is Flag);
    }

    [Fact]
    public void The_same_release_and_time_give_byte_identical_alerts() =>
        Assert.Equal(Mapper.MapToJson(CourtRelease(), AcceptedAt), new UnplannedReleaseAlertMapper(ProfileSet.Embedded).MapToJson(CourtRelease(), AcceptedAt));
}
