using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.TestData;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A newer record that stops sharing with a recipient type stops the copies still queued for it.</summary>
public sealed class NarrowedConsentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static byte[] Release(Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        change?.Invoke(j);
    });

    private static byte[] NoticeWithout(string type, JsonObject? consentOverride = null) => Release(j =>
    {
        j["event"] = new JsonObject { ["type"] = "release-notice", ["occurredAt"] = "2026-03-12T09:00:00+00:00", ["from"] = "HLI", ["plannedRelease"] = true };
        var shareWith = j["dir"]!["consent"]!["shareWith"]!.AsArray().Select(t => t!.GetValue<string>()).Where(t => t != type).ToArray();
        j["dir"]!["consent"]!["shareWith"] = new JsonArray([.. shareWith.Select(t => JsonValue.Create(t))]);
        if (consentOverride is not null)
        {
            j["dir"]!["consent"]!["override"] = consentOverride;
        }
    });

    private static async Task<JsonNode> Submit(GatewayUnderTest gateway, byte[] body)
    {
        using var client = gateway.Client("HLI");
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text);
    }

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    private static string[] PushIds(WireMockServer server, string agency) =>
        [.. server.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency && e.ResponseMessage.StatusCode is 200).Select(e => e.RequestMessage.Headers!["X-Message-Id"].ToString())];

    private static WireMockServer CjitDown()
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).AtPriority(5).RespondWith(Response.Create().WithStatusCode(503));
        server.Given(Request.Create().WithPath("/agencies/*").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        return server;
    }

    // A mapping of higher priority, not a reset: between a reset and the next mapping a push would get 404 and be dead-lettered.
    private static void CjitComesBack(WireMockServer server) =>
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200));

    [Fact]
    public async Task A_queued_copy_to_a_type_dropped_from_shareWith_is_cancelled_and_never_delivered()
    {
        using var server = CjitDown();
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!, args => args.AddRange(["--Gateway:RetryMin", "00:00:00.200", "--Gateway:RetryMax", "00:00:00.400"]));
        var first = await Submit(gateway, Release());
        var cjitMessage = MessageFor(first, "CJIT-LEEDS");
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("queued", 10).Any(m => m.MessageId == cjitMessage && m.Attempts > 0), Patience, "a failed first push to the CJIT");

        var second = await Submit(gateway, NoticeWithout("cjit"));
        Assert.Equal("withheld", second["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == "CJIT-LEEDS")!["status"]!.GetValue<string>());

        CjitComesBack(server);
        var newer = MessageFor(await Submit(gateway, Release()), "CJIT-LEEDS");
        await GatewayUnderTest.Eventually(() => PushIds(server, "CJIT-LEEDS").Contains(newer), Patience, "the CJIT taking pushes again");
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.DoesNotContain(cjitMessage, PushIds(server, "CJIT-LEEDS"));
        var tracking = await gateway.Track("HLI", first["submissionId"]!.GetValue<string>());
        Assert.Equal("cancelled", tracking["CJIT-LEEDS"]["status"]!.GetValue<string>());
        Assert.Contains("consent withdrawn for cjit recipients", tracking["CJIT-LEEDS"]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("queued", tracking["B86030"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_recorded_override_keeps_the_queued_copies_it_covers()
    {
        using var server = CjitDown();
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!, args => args.AddRange(["--Gateway:RetryMin", "00:00:00.200", "--Gateway:RetryMax", "00:00:00.400"]));
        var first = await Submit(gateway, Release());
        var cjitMessage = MessageFor(first, "CJIT-LEEDS");

        await Submit(gateway, NoticeWithout("cjit", new JsonObject
        {
            ["legalBasis"] = "vital-interests",
            ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Shah", ["role"] = "Head of Healthcare" },
            ["justification"] = "High overdose risk on release with reduced tolerance; the community team must see the plan.",
        }));

        CjitComesBack(server);
        await GatewayUnderTest.Eventually(() => PushIds(server, "CJIT-LEEDS").Contains(cjitMessage), Patience, "the covered copy delivered");
    }

    [Fact]
    public async Task Narrowed_consent_is_audited_as_a_consent_decision_for_the_cancelled_message()
    {
        using var server = CjitDown();
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!);
        var cjitMessage = MessageFor(await Submit(gateway, Release()), "CJIT-LEEDS");
        await Submit(gateway, NoticeWithout("cjit"));

        await gateway.StopKeepingDataAsync();

        using var store = ExchangeGateway.Storage.Sqlite.SqliteStore.Open(Path.Combine(gateway.Data, ExchangeGateway.Storage.DatabaseLocation.SqliteFileName), TimeProvider.System);
        var verifier = new ExchangeGateway.Audit.AuditVerifier(ExchangeGateway.Audit.CheckpointKeys.Load(GatewayUnderTest.Certs));
        var verification = store.Snapshot(tx => verifier.Verify(tx));
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems.Select(p => p.Reason)));
        var entries = store.Snapshot(tx => ExchangeGateway.Audit.AuditLog.Entries(tx.Audit).ToList());
        Assert.Contains(entries, e => e.Type == "consent-decision"
            && e.Details.TryGetValue("messageId", out var id) && id.Text == cjitMessage
            && e.Details.TryGetValue("decision", out var decision) && decision.Text == "withdrawn");
    }
}
