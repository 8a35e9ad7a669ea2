using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.TestData;
using AuditEvent = Hl7.Fhir.Model.AuditEvent;
using Bundle = Hl7.Fhir.Model.Bundle;
using Hl7.Fhir.Serialization;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The audit trail a running gateway writes, read back with <c>exg audit</c>, and the gateway's logs.</summary>
public sealed class GatewayAuditTests : GatewayWithAgencies
{
    private const string ReleasedNhsNumber = "9434765919";
    private const string ReleasedPrisonNumber = "A1234BC";
    private const string TransferredNhsNumber = "4010232137";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);


    private static byte[] Fresh(string example) => Examples.Variant(example, j => j["submissionId"] = Guid.NewGuid().ToString());

    private async Task<JsonNode> Submit(string sender, byte[] body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(expected == response.Status, $"expected {expected}, got {response.Status}: {response.Text}");
        return GatewayUnderTest.Json(response.Text);
    }

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    private static (int Exit, string Out, string Err) Exg(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = ExgCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private JsonArray Query(string subject)
    {
        var (exit, output, error) = Exg("audit", "query", "--data", Gateway.Data, "--subject", subject, "--json");
        Assert.True(exit == 0, error);
        return GatewayUnderTest.Json(output).AsArray();
    }

    private static string Text(JsonNode? entry, string detail) => entry!["details"]?[detail]?.GetValue<string>() ?? "";

    // Both examples through the gateway: the release to the CJIT (push), the provider and the GP (mailboxes, fetched and
    // acknowledged by the GP); the transfer to the receiving prison (push).
    private async Task<(string Release, string Transfer)> SendBothAndDeliver()
    {
        var release = await Submit("HLI", Fresh(Examples.ReleaseOst));
        var transfer = await Submit("BMI", Fresh(Examples.Transfer));
        var pushed = new[] { MessageFor(release, "CJIT-LEEDS"), MessageFor(transfer, "SFI") };
        await GatewayUnderTest.Eventually(() => pushed.All(id => Gateway.Outbox.List("delivered", 100).Any(m => m.MessageId == id)), Patience, "both pushes");

        using var gp = Gateway.Client("B86030");
        var gpMessage = MessageFor(release, "B86030");
        Assert.True((await gp.FetchAsync(gpMessage)).IsSuccess);
        Assert.True((await gp.AcknowledgeAsync(gpMessage)).IsSuccess);
        return (release["submissionId"]!.GetValue<string>(), transfer["submissionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_query_by_NHS_number_returns_that_persons_consent_decisions_and_deliveries_and_only_that_persons()
    {
        var (release, transfer) = await SendBothAndDeliver();
        var keys = PersonKeys.Load(Gateway.Data);
        var released = keys.ForNhsNumber(ReleasedNhsNumber);
        var transferred = keys.ForNhsNumber(TransferredNhsNumber);

        var entries = Query(ReleasedNhsNumber);

        Assert.All(entries, e =>
        {
            Assert.Contains(released, e!["subjects"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.DoesNotContain(transferred, e["subjects"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.NotEqual(transfer, Text(e, "submissionId"));
        });
        var decisions = entries.Where(e => e!["type"]!.GetValue<string>() == AuditEventTypes.ConsentDecision).ToList();
        Assert.Equal(["B86030", "CJIT-LEEDS", "CTP-FWDLEEDS"], decisions.Select(e => Text(e, "recipient")).Order(StringComparer.Ordinal));
        Assert.All(decisions, e => Assert.Equal(release, Text(e, "submissionId")));
        Assert.Contains(entries, e => e!["type"]!.GetValue<string>() == AuditEventTypes.DeliveryResult && Text(e, "recipient") == "CJIT-LEEDS" && Text(e, "result") == "delivered");
        Assert.Contains(entries, e => e!["type"]!.GetValue<string>() == AuditEventTypes.MailboxFetch && Text(e, "recipient") == "B86030");
        Assert.Contains(entries, e => e!["type"]!.GetValue<string>() == AuditEventTypes.Ack && Text(e, "recipient") == "B86030");

        // The same person by prison number: the same entries. The other person: none of them.
        Assert.Equal(entries.Select(e => e!["seq"]!.GetValue<long>()), Query(ReleasedPrisonNumber).Select(e => e!["seq"]!.GetValue<long>()));
        var others = Query(TransferredNhsNumber);
        Assert.Contains(others, e => e!["type"]!.GetValue<string>() == AuditEventTypes.ConsentDecision && Text(e, "recipient") == "SFI");
        Assert.Contains(others, e => e!["type"]!.GetValue<string>() == AuditEventTypes.DeliveryResult && Text(e, "recipient") == "SFI");
        Assert.All(others.Where(e => Text(e, "submissionId").Length > 0), e => Assert.Equal(transfer, Text(e, "submissionId")));
        Assert.Empty(entries.Select(e => e!["seq"]!.GetValue<long>()).Intersect(others.Select(e => e!["seq"]!.GetValue<long>())));

        // Nothing in the query's output names either person in clear.
        var (_, text, _) = Exg("audit", "query", "--data", Gateway.Data, "--subject", ReleasedNhsNumber);
        Assert.Contains(AuditEventTypes.ConsentDecision, text, StringComparison.Ordinal);
        LogCapture.AssertNoPersonalData(text, "exg audit query");
    }

    [Fact]
    public async Task The_trail_of_a_gateway_run_verifies_with_its_shutdown_checkpoint_and_exports_as_R4_AuditEvents()
    {
        await SendBothAndDeliver();
        await Submit("HLI", Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["nhsNumber"] = "4010232138"), HttpStatusCode.BadRequest);
        await Gateway.StopKeepingDataAsync();

        var (exit, output, error) = Exg("audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs);
        Assert.True(exit == 0, output + error);
        using (var store = ExchangeGateway.Storage.Sqlite.SqliteStore.Open(Path.Combine(Gateway.Data, ExchangeGateway.Storage.DatabaseLocation.SqliteFileName), TimeProvider.System))
        {
            // The person index caught up with the trail at shutdown at the latest.
            Assert.Equal(store.Snapshot(tx => AuditLog.Head(tx.Audit))!.Value.Seq, store.Snapshot(tx => AuditLog.IndexedUpTo(tx.Audit)));
        }

        var export = Path.Combine(Gateway.Folder, "audit.fhir.json");
        Assert.Equal(0, Exg("audit", "export", "--data", Gateway.Data, "--out", export, "--format", "fhir").Exit);
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(File.ReadAllText(export));
        var events = bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
        var types = events.Select(e => e.Subtype.Last().Code).ToHashSet(StringComparer.Ordinal);
        string[] expected = [AuditEventTypes.SubmissionReceived, AuditEventTypes.SubmissionRefused, AuditEventTypes.ConsentDecision, AuditEventTypes.PackageSealed,
            AuditEventTypes.DeliveryResult, AuditEventTypes.MailboxFetch, AuditEventTypes.Ack];
        Assert.All(expected, type => Assert.Contains(type, types));
        LogCapture.AssertNoPersonalData(File.ReadAllText(export), "the FHIR audit export");
    }

    [Fact]
    public async Task A_running_gateway_signs_its_head_on_the_checkpoint_timer_so_verify_passes_without_allowing_an_unsigned_tail()
    {
        await Gateway.DisposeAsync();
        Gateway = await GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(["--Gateway:AuditCheckpointSeconds", "1"]));

        await SendBothAndDeliver();

        (int Exit, string Out, string Err) verify = default;
        await GatewayUnderTest.Eventually(
            () => (verify = Exg("audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs)).Exit == 0,
            Patience,
            "a timer checkpoint over the head of the running gateway");
        Assert.Contains("(timer, ", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_logs_no_name_or_identifier_from_the_examples_even_when_deliveries_fail_and_submissions_are_refused()
    {
        await Gateway.DisposeAsync();
        Agencies.Reset();
        Agencies.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("down for maintenance"));
        Agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        Gateway = await GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(["--log-format", "json"]));

        var (release, _) = await SendBothAndDeliver();
        await Submit("HLI", Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["nhsNumber"] = "9434765918"), HttpStatusCode.BadRequest);
        await Submit("BMI", Fresh(Examples.ReleaseOst), HttpStatusCode.Forbidden);
        var truncated = Fresh(Examples.ReleaseOst);
        await Submit("HLI", truncated[..^1], HttpStatusCode.BadRequest);
        using (var client = Gateway.Client("HLI"))
        {
            Assert.True((await client.TrackAsync(release)).IsSuccess);
        }

        Assert.Contains(Agencies.LogEntries, e => e.ResponseMessage.StatusCode is 503);
        Assert.True(Gateway.Logs.Count > 5, $"only {Gateway.Logs.Count} log events were captured");
        LogCapture.AssertNoPersonalData(Gateway.Logs.Text, "the gateway");
    }

    [Fact]
    public void The_log_check_catches_an_identifier_a_name_an_address_and_a_postcode()
    {
        foreach (var leak in new[] { "nhs 9434765919", "prisoner A1234BC", "PNC 88/123456X", "Jordan Lee Example", "12 Canal Street", "LS1 4AB", "born 1988-07-21" })
        {
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => LogCapture.AssertNoPersonalData($"[09:00:00 INF] {leak} sent", "a log"));
        }

        LogCapture.AssertNoPersonalData("[09:00:00 INF] Submission 6f1c2a3e accepted for CJIT-LEEDS", "a log");
    }
}
