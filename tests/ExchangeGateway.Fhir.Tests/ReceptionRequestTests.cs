using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class ReceptionRequestTests
{
    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);

    private const string Request = "Stop community dispensing of opioid substitution treatment for this person. Reply with the community prescribing record "
        + "(last dispensed, supervised, pharmacy, prescriber) as a reception-reply in reply to this message.";

    private static Submission Read(JsonObject json)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Submission!;
    }

    private static JsonObject ReceptionJson()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"] = new JsonObject { ["type"] = "reception", ["occurredAt"] = "2025-11-02T18:40:00+00:00", ["from"] = "HLI" };
        return json;
    }

    private static Composition CompositionOf(Bundle bundle) => Assert.IsType<Composition>(bundle.Entry[0].Resource);

    private static Composition.SectionComponent? RequestSection(Bundle bundle) =>
        CompositionOf(bundle).Section.SingleOrDefault(s => s.Code!.Coding.Single().Code == "reception-request");

    [Fact]
    public void A_reception_document_holds_the_request_section_naming_the_establishment()
    {
        var bundle = Mapper.Map(Read(ReceptionJson()));
        var section = Assert.IsType<Composition.SectionComponent>(RequestSection(bundle));
        var expected = "In custody at HLI since 2 November 2025. " + Request;

        Assert.Equal("Request from the prison", section.Title);
        Assert.Contains(expected, section.Text!.Div, StringComparison.Ordinal);
        Assert.Contains(expected, CompositionOf(bundle).Text!.Div, StringComparison.Ordinal);
        var request = Assert.IsType<ServiceRequest>(bundle.Entry.Single(e => e.FullUrl == section.Entry.Single().Reference).Resource);
        Assert.Equal("reception-reply-request", request.Code!.Coding.Single().Code);
    }

    [Fact]
    public void Without_custody_details_the_request_names_the_sender_and_the_event_time()
    {
        var json = ReceptionJson();
        json["dir"]!.AsObject().Remove("custody");
        var text = CompositionOf(Mapper.Map(Read(json))).Text!.Div;

        Assert.Contains("In custody at HLI since 18:40 UTC+00:00 on 2 November 2025. " + Request, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgencyTypes.CommunityTreatment)]
    [InlineData(AgencyTypes.Gp)]
    [InlineData(AgencyTypes.Cjit)]
    [InlineData(AgencyTypes.Prison)]
    public void Every_recipient_s_reception_document_passes_the_profiles_and_round_trips(string recipientType)
    {
        var copy = RecordMinimiser.For(Read(ReceptionJson()), recipientType);
        var bundle = Mapper.Map(copy, []);

        Assert.NotNull(RequestSection(bundle));
        var errors = DocumentValidator.Embedded.Validate(bundle).Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(SubmissionJson.Serialize(copy), SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle)));
    }

    [Fact]
    public void A_release_document_has_no_request_section_or_request_text()
    {
        var bundle = Mapper.Map(Read(Examples.Json(Examples.ReleaseOst)));

        Assert.Null(RequestSection(bundle));
        Assert.DoesNotContain("Stop community dispensing", CompositionOf(bundle).Text!.Div, StringComparison.Ordinal);
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is ServiceRequest { Code.Coding: [{ Code: "reception-reply-request" }] });
    }
}
