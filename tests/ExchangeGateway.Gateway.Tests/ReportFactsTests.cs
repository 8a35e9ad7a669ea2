using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.Cli;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The continuity report's facts written by the running gateway as it accepts release records and engagement reports, and read by exg report.</summary>
public sealed class ReportFactsTests : GatewayWithAgencies
{
    private static byte[] Record(string eventType) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["type"] = eventType;
        if (eventType != EventTypes.Release)
        {
            j["event"]!.AsObject().Remove("plannedRelease");
        }
    });

    private static byte[] Engagement(string inReplyTo) => Examples.Variant(Examples.Engagement, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["inReplyTo"] = inReplyTo;
        j["engagement"]!["outcome"] = EngagementOutcomes.Attended;
    });

    private async Task<JsonNode> Submit(string sender, byte[] body)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text);
    }

    [Fact]
    public async Task Accepting_a_notice_a_release_and_an_engagement_report_records_their_facts_under_one_person()
    {
        var notice = await Submit("HLI", Record(EventTypes.ReleaseNotice));
        var release = await Submit("HLI", Record(EventTypes.Release));
        var cjitMessage = release["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == "CJIT-LEEDS")!["messageId"]!.GetValue<string>();
        var report = await Submit("CJIT-LEEDS", Engagement(cjitMessage));
        await Submit("BMI", Examples.Variant(Examples.Transfer, j => j["submissionId"] = Guid.NewGuid().ToString()));

        var rows = Gateway.Service<IGatewayStore>().Snapshot(tx => tx.ReleaseFacts.List());

        Assert.Equal(
            [notice["submissionId"]!.GetValue<string>(), release["submissionId"]!.GetValue<string>(), report["submissionId"]!.GetValue<string>()],
            rows.Select(r => r.SubmissionId));
        Assert.Equal(new ReleaseFacts(EventTypes.Release, "HLI", "CJIT-LEEDS", "B86030", new DateOnly(2026, 3, 13), true, true, true, true, true, true), rows[1].Release);
        Assert.Equal(EventTypes.ReleaseNotice, rows[0].Release!.EventType);
        Assert.Equal(new EngagementFacts(EngagementOutcomes.Attended, new DateOnly(2026, 3, 16)), rows[2].Engagement);
        Assert.All(rows, r => Assert.Subset(r.PersonKeys.ToHashSet(), rows[1].PersonKeys.ToHashSet()));
        Assert.DoesNotContain(rows.SelectMany(r => r.PersonKeys), k => k.Contains("9434765919", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exg_report_continuity_reads_the_gateway_s_data_folder_and_shows_one_release_as_under_five()
    {
        await Submit("HLI", Record(EventTypes.ReleaseNotice));
        await Submit("HLI", Record(EventTypes.Release));

        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ExgCommandLine.Run(["report", "continuity", "--data", Gateway.Data], output, error);

        Assert.True(code == 0, error.ToString());
        var row = Assert.Single(JsonNode.Parse(output.ToString())!["rows"]!.AsArray())!;
        Assert.Equal(("HLI", "CJIT-LEEDS", "2026-03", "<5"),
            (row["prison"]!.GetValue<string>(), row["cjitArea"]!.GetValue<string>(), row["month"]!.GetValue<string>(), row["releases"]!.GetValue<string>()));
        Assert.Null(row["deliveredBeforeReleaseShare"]);
    }
}
