using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// An unplanned release end to end over mutual TLS: its flag in the CJIT's release summary, the separate alert for a person
/// on OST without bridging, and the CJIT's cut copy carrying the flags raised from the whole record.
/// </summary>
public sealed class UnplannedReleaseTests : GatewayWithAgencies
{
    private const string Cjit = "CJIT-LEEDS";
    private const string ReleasedNhsNumber = "9434765919";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // The release example (a person on methadone) with no bridging prescription, planned or not as given.
    private static byte[] Release(bool planned, Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["plannedRelease"] = planned;
        j["prescribing"]!.AsObject().Remove("bridgingPrescription");
        change?.Invoke(j);
    });

    private async Task<JsonNode> Submit(byte[] body)
    {
        using var client = Gateway.Client("HLI");
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, $"got {response.Status}: {response.Text}");
        return GatewayUnderTest.Json(response.Text);
    }

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    private List<(string MessageId, JsonNode Document)> PushedDocuments(string agency) =>
        [.. Agencies.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency)
            .Select(e => (e.RequestMessage.Headers!["X-Message-Id"].ToString(), GatewayUnderTest.Json(GatewayUnderTest.Open(e.RequestMessage.BodyAsBytes!, agency))))];

    private static string DocumentType(JsonNode bundle) => bundle["entry"]![0]!["resource"]!["type"]!["coding"]![0]!["code"]!.GetValue<string>();

    private static List<string> FlagCodes(JsonNode bundle) =>
        [.. bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Where(r => r["resourceType"]!.GetValue<string>() == "Flag")
            .Select(r => r["code"]!["coding"]![0]!["code"]!.GetValue<string>())];

    private async Task<JsonNode> DeliveredTo(string agency, string messageId)
    {
        await GatewayUnderTest.Eventually(() => PushedDocuments(agency).Any(p => p.MessageId == messageId), Patience, $"message {messageId} pushed to {agency}");
        return PushedDocuments(agency).First(p => p.MessageId == messageId).Document;
    }

    private List<OutboxLine> AlertsOf(string submissionId) =>
        [.. Gateway.Outbox.List(null, 1000).Where(m => m.SubmissionId == submissionId && m.EventType == UnplannedReleaseAlertMapper.DocumentType)];

    [Fact]
    public async Task An_unplanned_release_on_OST_without_bridging_pushes_the_CJIT_its_flagged_summary_and_a_separate_alert()
    {
        var accepted = await Submit(Release(planned: false));
        var submissionId = accepted["submissionId"]!.GetValue<string>();

        var summary = await DeliveredTo(Cjit, MessageFor(accepted, Cjit));
        Assert.Equal("release-summary", DocumentType(summary));
        Assert.Contains(SafetyFlags.UnplannedRelease, FlagCodes(summary));

        var alertLine = Assert.Single(AlertsOf(submissionId));
        Assert.Equal(Cjit, alertLine.Recipient);
        var alert = await DeliveredTo(Cjit, alertLine.MessageId);
        Assert.Equal(UnplannedReleaseAlertMapper.DocumentType, DocumentType(alert));
        Assert.Equal([UnplannedReleaseAlert.FlagCode], FlagCodes(alert));
        Assert.Equal($"{submissionId}/{UnplannedReleaseAlertMapper.DocumentType}", alert["identifier"]!["value"]!.GetValue<string>());
        Assert.Empty(DocumentValidator.Embedded.ValidateJson(alert.ToJsonString()));

        // The provider and the GP get the flagged record, not the alert; the answer lists one message per recipient.
        Assert.Equal(3, accepted["messages"]!.AsArray().Count);
        Assert.DoesNotContain(PushedDocuments("CTP-FWDLEEDS"), p => p.MessageId == alertLine.MessageId);
        Assert.Equal(4, Gateway.Outbox.List(null, 1000).Count(m => m.SubmissionId == submissionId));
    }

    [Fact]
    public async Task The_alert_is_audited_as_a_sealed_package_of_the_release()
    {
        var submissionId = (await Submit(Release(planned: false)))["submissionId"]!.GetValue<string>();
        var alertId = Assert.Single(AlertsOf(submissionId)).MessageId;

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(ExgCommandLine.Run(["audit", "query", "--data", Gateway.Data, "--subject", ReleasedNhsNumber, "--json"], output, error) == 0, error.ToString());
        var sealedAlert = Assert.Single(GatewayUnderTest.Json(output.ToString()).AsArray(),
            e => e!["type"]!.GetValue<string>() == AuditEventTypes.PackageSealed && e["details"]!["messageId"]!.GetValue<string>() == alertId);
        Assert.Equal(submissionId, sealedAlert!["details"]!["submissionId"]!.GetValue<string>());
        Assert.Equal(Cjit, sealedAlert["details"]!["recipient"]!.GetValue<string>());
        Assert.Equal(UnplannedReleaseAlertMapper.DocumentType, sealedAlert["details"]!["alert"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_planned_release_on_OST_without_bridging_sends_no_alert_and_no_unplanned_flag()
    {
        var accepted = await Submit(Release(planned: true));
        var submissionId = accepted["submissionId"]!.GetValue<string>();

        var summary = await DeliveredTo(Cjit, MessageFor(accepted, Cjit));
        Assert.Equal("release-summary", DocumentType(summary));
        Assert.DoesNotContain(SafetyFlags.UnplannedRelease, FlagCodes(summary));
        Assert.Empty(AlertsOf(submissionId));
        Assert.DoesNotContain(PushedDocuments(Cjit), p => DocumentType(p.Document) == UnplannedReleaseAlertMapper.DocumentType);
    }

    [Fact]
    public async Task An_unplanned_release_not_shared_with_the_CJIT_sends_it_no_alert()
    {
        var accepted = await Submit(Release(planned: false, j => j["dir"]!["consent"]!["shareWith"] = new JsonArray("community-treatment", "gp")));

        Assert.Equal("withheld", accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == Cjit)!["status"]!.GetValue<string>());
        Assert.Empty(AlertsOf(accepted["submissionId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_CJITs_copy_carries_the_no_bridging_and_no_naloxone_flags_raised_from_facts_its_own_copy_does_not_hold()
    {
        // No bridging, no naloxone, and the first appointment three days after the release.
        var bare = await Submit(Release(planned: true, j =>
        {
            j["prescribing"]!.AsObject().Remove("naloxone");
            j["dir"]!["releasePlan"]!["firstAppointment"] = "2026-03-16T10:00:00+00:00";
        }));
        var bareCopy = await DeliveredTo(Cjit, MessageFor(bare, Cjit));
        Assert.Contains(SafetyFlags.OstWithoutBridging, FlagCodes(bareCopy));
        Assert.Contains(SafetyFlags.OpioidWithoutNaloxone, FlagCodes(bareCopy));

        // The same release with bridging and naloxone: the CJIT's copy leaves both out, yet raises neither flag,
        // because the flags come from the whole record, not from the copy.
        var covered = await Submit(Examples.Variant(Examples.ReleaseOst, j =>
        {
            j["submissionId"] = Guid.NewGuid().ToString();
            j["dir"]!["releasePlan"]!["firstAppointment"] = "2026-03-16T10:00:00+00:00";
        }));
        var coveredCopy = await DeliveredTo(Cjit, MessageFor(covered, Cjit));
        Assert.DoesNotContain("FQ123", coveredCopy.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("intranasal", coveredCopy.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(SafetyFlags.OstWithoutBridging, FlagCodes(coveredCopy));
        Assert.DoesNotContain(SafetyFlags.OpioidWithoutNaloxone, FlagCodes(coveredCopy));
    }
}
