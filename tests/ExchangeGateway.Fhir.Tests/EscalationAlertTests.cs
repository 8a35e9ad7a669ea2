using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class EscalationAlertTests
{
    private static readonly EscalationAlertMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DateTimeOffset At = new(2026, 3, 12, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Kinds => [.. EscalationKinds.All];

    private static Submission Source()
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(Examples.Text(Examples.ReleaseOst)));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return RecordMinimiser.For(result.Submission!, AgencyTypes.Cjit);
    }

    private static string Text(string kind) => $"Escalation {kind}: the GP at Y01234 has not accepted the release record for release on 13 March 2026.";

    private static string AlertId(string kind) => $"{Source().SubmissionId}/{kind}/42";

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_escalation_alert_of_each_kind_passes_the_profiles(string kind)
    {
        var issues = DocumentValidator.Embedded.ValidateJson(Mapper.MapToJson(Source(), kind, Text(kind), AlertId(kind), At));
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_alert_carries_the_kind_and_the_text_in_its_Flag_and_narrative(string kind)
    {
        var bundle = Mapper.Map(Source(), kind, Text(kind), AlertId(kind), At);
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);
        var flag = bundle.Entry.Select(e => e.Resource).OfType<Flag>().Single();

        Assert.Equal("escalation-alert", composition.Type!.Coding.Single().Code);
        Assert.Equal("Escalation alert", composition.Title);
        Assert.Equal(AlertId(kind), bundle.Identifier!.Value);
        Assert.Equal((FhirNames.CodeSystem(FhirNames.Cs.SafetyFlag), kind), (flag.Code.Coding.Single().System, flag.Code.Coding.Single().Code));
        Assert.Equal(Text(kind), flag.Code.Text);
        Assert.Contains(Text(kind), composition.Text!.Div, StringComparison.Ordinal);
        Assert.Contains(Text(kind), composition.Section.Single().Text!.Div, StringComparison.Ordinal);
        Assert.Equal("DIR-HLI-2026-000417", composition.Identifier!.Value);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Patient).FullUrl, flag.Subject!.Reference);
    }

    [Fact]
    public void Different_alert_ids_give_different_documents_and_the_same_arguments_the_same_bytes()
    {
        var kind = EscalationKinds.ReleaseAcceptanceDue;
        var first = Mapper.MapToJson(Source(), kind, Text(kind), AlertId(kind), At);

        Assert.Equal(first, new EscalationAlertMapper(ProfileSet.Embedded).MapToJson(Source(), kind, Text(kind), AlertId(kind), At));
        Assert.NotEqual(first, Mapper.MapToJson(Source(), kind, Text(kind), AlertId(kind) + "x", At));
    }

    [Fact]
    public void A_kind_that_is_not_an_escalation_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Mapper.Map(Source(), ReleaseTimeline.OverdueAlertFlag, "text", "id", At));
}
