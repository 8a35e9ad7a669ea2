using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class ReplyDocumentTests
{
    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);

    public static TheoryData<string> ReplyNames => [.. Examples.Replies];

    private static Submission Read(string json)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Empty(result.Errors);
        return result.Submission!;
    }

    private static Bundle Map(string example) => Mapper.Map(Read(Examples.Text(example)));

    private static Composition CompositionOf(Bundle bundle) => Assert.IsType<Composition>(bundle.Entry[0].Resource);

    private static string Narrative(Bundle bundle) => CompositionOf(bundle).Text!.Div!;

    [Theory]
    [MemberData(nameof(ReplyNames))]
    public void Each_reply_round_trips_through_map_and_unmap_to_equal_JSON(string example)
    {
        var bundleJson = Mapper.MapToJson(Read(Examples.Text(example)));
        Assert.True(FhirDocumentJson.TryParse(bundleJson, out var bundle, out var problem), problem);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Examples.Text(example)), JsonNode.Parse(back)), $"unmap(map(x)) differs from x:\n{back}");
    }

    [Theory]
    [MemberData(nameof(ReplyNames))]
    public void Each_reply_document_passes_validation(string example)
    {
        var errors = DocumentValidator.Embedded.Validate(Map(example)).Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [MemberData(nameof(ReplyNames))]
    public void A_reply_names_the_message_it_answers_and_carries_the_document_labels(string example)
    {
        var bundle = Map(example);
        var composition = CompositionOf(bundle);
        var inReplyTo = Assert.IsType<Identifier>(composition.GetExtension(FhirNames.StructureDefinition(FhirNames.Ext.InReplyTo))?.Value);
        Assert.Equal(FhirNames.Systems.Message, inReplyTo.System);
        Assert.Equal(Examples.Json(example)["event"]!["inReplyTo"]!.GetValue<string>(), inReplyTo.Value);
        Assert.Equal("R", composition.Confidentiality.ToString());
        Assert.Contains(bundle.Meta!.Security, c => c.Code == "ETH");
        Assert.Contains(bundle.Meta.Security, c => c.Code == "NORDSCLCD");
        Assert.All(composition.Section, section => Assert.False(string.IsNullOrEmpty(section.Text?.Div)));
        Assert.Null(composition.Identifier);
        Assert.Null(composition.Encounter);
    }

    [Fact]
    public void The_reception_reply_says_the_community_record_in_plain_English()
    {
        var text = Narrative(Map(Examples.ReceptionReply));
        Assert.Contains(
            "Community prescribing record for Alex Sample in reply to reception message 9a3f6c1e-2b7d-4e8f-a1c2-3d4e5f6a7b8c: last dispensed on 4 February 2026, "
            + "supervised consumption, dispensing suspended from 5 February 2026, pharmacy FQ123, prescriber Dr H Okafor (GP).",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_engagement_report_says_the_outcome_in_words()
    {
        var text = Narrative(Map(Examples.Engagement));
        Assert.Contains("Did not attend on 16 March 2026; next appointment at 10:30 UTC+00:00 on 23 March 2026; note: Phoned twice", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transfer_with_a_planned_move_round_trips_and_validates()
    {
        var json = Examples.Json(Examples.Transfer);
        json["event"]!["plannedMoveAt"] = "2026-02-04T10:00:00+00:00";
        var bundle = Mapper.Map(Read(json.ToJsonString()));
        Assert.DoesNotContain(DocumentValidator.Embedded.Validate(bundle), i => i.IsError);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle));
        Assert.True(JsonNode.DeepEquals(json, JsonNode.Parse(back)), back);
    }

    [Fact]
    public void A_prison_document_without_its_DIR_identifier_is_invalid()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.Transfer)));
        CompositionOf(bundle).Identifier = null;
        Assert.Contains(DocumentValidator.Embedded.Validate(bundle), i => i.IsError && i.Message.Contains("eg-cmp-3", StringComparison.Ordinal));
    }
}
