using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class OverdueReleaseAlertTests
{
    private static readonly OverdueReleaseAlertMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;
    private static readonly DateOnly Planned = new(2026, 3, 13);
    private static readonly DateTimeOffset CheckedAt = new(2026, 3, 13, 12, 0, 0, TimeSpan.Zero);

    private static Submission Notice()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["type"] = "release-notice";
        json["event"]!["occurredAt"] = "2026-03-06T10:00:00+00:00";
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Submission!;
    }

    private static Bundle CjitAlert() => Mapper.Map(RecordMinimiser.For(Notice(), AgencyTypes.Cjit), Planned, CheckedAt);

    [Fact]
    public void The_CJIT_alert_passes_the_profiles()
    {
        var issues = Validator.ValidateJson(Mapper.MapToJson(RecordMinimiser.For(Notice(), AgencyTypes.Cjit), Planned, CheckedAt));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void The_alert_is_an_overdue_release_alert_document_from_the_gateway()
    {
        var bundle = CjitAlert();
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);

        Assert.Equal(Bundle.BundleType.Document, bundle.Type);
        Assert.Equal("overdue-release-alert", composition.Type!.Coding.Single().Code);
        Assert.Equal("Overdue release alert", composition.Title);
        Assert.Equal("DIR-HLI-2026-000417", composition.Identifier!.Value);
        var author = Assert.IsType<Organization>(bundle.Entry.Single(e => e.FullUrl == composition.Author.Single().Reference).Resource);
        Assert.Equal("gateway", author.Identifier.Single().Value);
        Assert.Equal("6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81/overdue-release-alert", bundle.Identifier!.Value);
    }

    [Fact]
    public void The_alert_has_one_alerts_section_holding_one_overdue_Flag_about_the_Patient()
    {
        var bundle = CjitAlert();
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);
        var section = Assert.Single(composition.Section);
        var flagUrl = Assert.Single(section.Entry).Reference;
        var flag = Assert.IsType<Flag>(bundle.Entry.Single(e => e.FullUrl == flagUrl).Resource);
        var patientEntry = bundle.Entry.Single(e => e.Resource is Patient);

        Assert.Equal("risks-alerts", section.Code!.Coding.Single().Code);
        Assert.Equal(("https://exchange-gateway.example/fhir/CodeSystem/safety-flag", "overdue-release-summary"), (flag.Code.Coding.Single().System, flag.Code.Coding.Single().Code));
        Assert.Contains("12:00 on 2026-03-13", flag.Code.Text, StringComparison.Ordinal);
        Assert.Contains("HLI", flag.Code.Text, StringComparison.Ordinal);
        Assert.Equal(patientEntry.FullUrl, flag.Subject!.Reference);
        Assert.Equal(patientEntry.FullUrl, composition.Subject!.Reference);
        Assert.Single(bundle.Entry, e => e.Resource is Flag);
    }

    [Fact]
    public void The_Patient_is_the_notice_s_Patient()
    {
        var notice = RecordMinimiser.For(Notice(), AgencyTypes.Cjit);
        var fromNotice = new ReleaseSummaryMapper(ProfileSet.Embedded).Map(notice, []).Entry.Single(e => e.Resource is Patient);
        var inAlert = CjitAlert().Entry.Single(e => e.Resource is Patient);

        Assert.Equal(fromNotice.FullUrl, inAlert.FullUrl);
        Assert.True(fromNotice.Resource!.IsExactly(inAlert.Resource));
        Assert.Contains(Assert.IsType<Patient>(inAlert.Resource).Identifier, i => i.Value == "9434765919");
    }

    [Fact]
    public void The_alert_carries_nothing_clinical_from_the_notice()
    {
        var types = CjitAlert().Entry.Select(e => e.Resource!.TypeName).Distinct().Order();

        Assert.Equal(["Composition", "Encounter", "Flag", "Organization", "Patient", "Practitioner", "Provenance"], types);
    }

    [Fact]
    public void The_same_notice_and_check_time_give_byte_identical_alerts()
    {
        var notice = RecordMinimiser.For(Notice(), AgencyTypes.Cjit);
        Assert.Equal(Mapper.MapToJson(notice, Planned, CheckedAt), new OverdueReleaseAlertMapper(ProfileSet.Embedded).MapToJson(notice, Planned, CheckedAt));
    }
}
