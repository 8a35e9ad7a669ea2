using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The gateway end to end: real HTTPS with client certificates on 127.0.0.1, agencies played by WireMock.Net.</summary>
public sealed class GatewayApiTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);


    private static byte[] Release(Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        change?.Invoke(j);
    });

    private async Task<JsonNode> Submit(string sender, byte[] body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(expected == response.Status, $"expected {expected}, got {response.Status}: {response.Text}");
        return GatewayUnderTest.Json(response.Text);
    }

    private static Dictionary<string, JsonNode> ByRecipient(JsonNode accepted) =>
        accepted["messages"]!.AsArray().ToDictionary(m => m!["recipient"]!.GetValue<string>(), m => m!);

    private IEnumerable<(string MessageId, byte[] Body)> Pushed(string agency) =>
        Agencies.LogEntries
            .Where(e => e.RequestMessage.Path == "/agencies/" + agency)
            .Select(e => (e.RequestMessage.Headers!["X-Message-Id"].ToString(), e.RequestMessage.BodyAsBytes!));

    [Fact]
    public async Task Health_answers_without_a_client_certificate()
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = Gateway.Address };
        var response = await http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_API_refuses_a_caller_without_a_client_certificate()
    {
        // Certificate validation is off here only because this test is about the missing client certificate.
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = Gateway.Address };
        var response = await http.GetAsync("api/v1/mailbox");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_release_goes_to_the_CJIT_by_push_and_to_the_provider_and_GP_mailboxes()
    {
        var accepted = ByRecipient(await Submit("HLI", Release()));
        Assert.Equal(["B86030", "CJIT-LEEDS", "CTP-FWDLEEDS"], accepted.Keys.Order(StringComparer.Ordinal));
        Assert.All(accepted.Values, m => Assert.Equal("queued", m["status"]!.GetValue<string>()));

        var cjitMessage = accepted["CJIT-LEEDS"]["messageId"]!.GetValue<string>();
        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS").Any(p => p.MessageId == cjitMessage), Patience, "the CJIT push");

        using var gp = Gateway.Client("B86030");
        var mailbox = GatewayUnderTest.Json((await gp.MailboxAsync()).Text)["messages"]!.AsArray();
        Assert.Contains(mailbox, m => m!["messageId"]!.GetValue<string>() == accepted["B86030"]["messageId"]!.GetValue<string>());
        Assert.Empty(Pushed("B86030"));
    }

    [Fact]
    public async Task A_release_notice_goes_to_the_release_recipients()
    {
        var notice = Release(j => j["event"] = new JsonObject { ["type"] = "release-notice", ["occurredAt"] = "2026-03-01T09:00:00+00:00", ["from"] = "HLI", ["plannedRelease"] = true });
        var accepted = ByRecipient(await Submit("HLI", notice));
        Assert.Equal(["B86030", "CJIT-LEEDS", "CTP-FWDLEEDS"], accepted.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Exg_sends_tracks_and_pulls_through_the_gateway()
    {
        using var folder = new TemporaryFolder();
        var file = Path.Combine(folder.Path, "release.json");
        await File.WriteAllBytesAsync(file, Release());
        var gatewayUrl = Gateway.Address.ToString();

        var (sent, sendOutput, _) = Exg("send", file, "--gateway", gatewayUrl, "--as", "HLI", "--certs", GatewayUnderTest.Certs);
        Assert.Equal(0, sent);
        Assert.Contains("B86030", sendOutput, StringComparison.Ordinal);
        var submissionId = System.Text.RegularExpressions.Regex.Match(sendOutput, "submission ([0-9a-f-]{36})").Groups[1].Value;

        var (pulled, pullOutput, pullError) = Exg("pull", "--gateway", gatewayUrl, "--as", "B86030", "--certs", GatewayUnderTest.Certs, "--out", Path.Combine(folder.Path, "in"));
        Assert.True(pulled == 0, pullError);
        Assert.Contains("acknowledged", pullOutput, StringComparison.Ordinal);
        var document = Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "in")));
        Assert.Contains("release-summary", await File.ReadAllTextAsync(document), StringComparison.Ordinal);

        var (tracked, trackOutput, _) = Exg("track", submissionId, "--gateway", gatewayUrl, "--as", "HLI", "--certs", GatewayUnderTest.Certs);
        Assert.Equal(0, tracked);
        Assert.Matches("B86030 +gp +acknowledged", trackOutput);

        var (wrong, _, wrongError) = Exg("send", file, "--gateway", gatewayUrl, "--as", "BMI", "--certs", GatewayUnderTest.Certs);
        Assert.Equal(1, wrong);
        Assert.Contains("403", wrongError, StringComparison.Ordinal);
    }

    private static (int Exit, string Output, string Error) Exg(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExchangeGateway.Cli.ExgCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_transfer_goes_only_to_the_receiving_prison()
    {
        var body = Examples.Variant(Examples.Transfer, j => j["submissionId"] = Guid.NewGuid().ToString());
        var accepted = ByRecipient(await Submit("BMI", body));
        Assert.Equal(["SFI"], accepted.Keys);
        var id = accepted["SFI"]["messageId"]!.GetValue<string>();
        await GatewayUnderTest.Eventually(() => Pushed("SFI").Any(p => p.MessageId == id), Patience, "the push to SFI");
        var document = GatewayUnderTest.Open(Pushed("SFI").First(p => p.MessageId == id).Body, "SFI");
        Assert.Contains("transfer-record", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reception_goes_to_the_GP_CJIT_and_community_provider_known_for_the_person_as_consent_allows()
    {
        await Submit("HLI", Release());
        var reception = Release(j =>
        {
            j["event"] = new JsonObject { ["type"] = "reception", ["occurredAt"] = "2026-06-01T10:00:00+01:00", ["from"] = "LPI" };
            j["dir"]!["client"]!.AsObject().Remove("gpPractice");
            j["dir"]!.AsObject().Remove("releasePlan");
            j["dir"]!["consent"]!["shareWith"] = new JsonArray("cjit", "gp");
        });
        var accepted = ByRecipient(await Submit("LPI", reception));
        Assert.Equal(["B86030", "CJIT-LEEDS", "CTP-FWDLEEDS"], accepted.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("withheld", accepted["CTP-FWDLEEDS"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_CJIT_copy_has_no_BBV_results_and_no_keyworker_notes_while_the_GP_copy_has_BBV()
    {
        var accepted = ByRecipient(await Submit("HLI", Release()));
        var cjitMessage = accepted["CJIT-LEEDS"]["messageId"]!.GetValue<string>();
        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS").Any(p => p.MessageId == cjitMessage), Patience, "the CJIT push");
        var cjit = GatewayUnderTest.Open(Pushed("CJIT-LEEDS").First(p => p.MessageId == cjitMessage).Body, "CJIT-LEEDS");

        using var gp = Gateway.Client("B86030");
        var gpPackage = await gp.FetchAsync(accepted["B86030"]["messageId"]!.GetValue<string>());
        var gpDocument = GatewayUnderTest.Open(gpPackage.Body, "B86030");

        Assert.DoesNotContain("Engaged well with psychosocial group", cjit, StringComparison.Ordinal);
        Assert.DoesNotContain("bbv-result", cjit, StringComparison.Ordinal);
        Assert.DoesNotContain("Engaged well with psychosocial group", gpDocument, StringComparison.Ordinal);
        Assert.Contains("bbv-result", gpDocument, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_recipient_type_without_consent_is_withheld_and_gets_nothing()
    {
        var accepted = ByRecipient(await Submit("HLI", Release(j => j["dir"]!["consent"]!["shareWith"] = new JsonArray("cjit", "community-treatment"))));
        Assert.Equal("withheld", accepted["B86030"]["status"]!.GetValue<string>());
        Assert.Null(accepted["B86030"]["messageId"]);
        using var gp = Gateway.Client("B86030");
        Assert.Empty(GatewayUnderTest.Json((await gp.MailboxAsync()).Text)["messages"]!.AsArray());
    }

    [Fact]
    public async Task A_consent_override_with_a_legal_basis_shares_and_says_so()
    {
        var body = Release(j =>
        {
            j["dir"]!["consent"]!["shareWith"] = new JsonArray("gp");
            j["dir"]!["consent"]!["override"] = new JsonObject
            {
                ["legalBasis"] = "vital-interests",
                ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Shah", ["role"] = "Head of Healthcare" },
                ["justification"] = "High overdose risk on release with reduced tolerance; community team must see the prescription today.",
            };
        });
        var submitted = await Submit("HLI", body);
        var accepted = ByRecipient(submitted);
        Assert.Equal("queued", accepted["CJIT-LEEDS"]["status"]!.GetValue<string>());
        Assert.Equal("vital-interests", accepted["CJIT-LEEDS"]["legalBasis"]!.GetValue<string>());
        var tracking = await Gateway.Track("HLI", submitted["submissionId"]!.GetValue<string>());
        Assert.Equal("override", tracking["CJIT-LEEDS"]["decision"]!.GetValue<string>());
        Assert.Equal("shared", tracking["B86030"]["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_withdrawal_cancels_the_queued_messages_for_the_person()
    {
        var first = await Submit("HLI", Release());
        var gpMessage = ByRecipient(first)["B86030"]["messageId"]!.GetValue<string>();
        var withdrawal = Release(j =>
        {
            j["event"] = new JsonObject { ["type"] = "release-notice", ["occurredAt"] = "2026-03-12T09:00:00+00:00", ["from"] = "HLI", ["plannedRelease"] = true };
            j["dir"]!["consent"]!["withdrawnAt"] = "2026-03-12T08:30:00+00:00";
        });
        var second = ByRecipient(await Submit("HLI", withdrawal));
        Assert.All(second.Values, m => Assert.Equal("withheld", m["status"]!.GetValue<string>()));

        var tracking = await Gateway.Track("HLI", first["submissionId"]!.GetValue<string>());
        Assert.Equal("cancelled", tracking["B86030"]["status"]!.GetValue<string>());
        using var gp = Gateway.Client("B86030");
        Assert.Equal(HttpStatusCode.NotFound, (await gp.FetchAsync(gpMessage)).Status);
    }

    [Fact]
    public async Task A_prison_cannot_send_as_another_prison()
    {
        var problem = await Submit("BMI", Release(), HttpStatusCode.Forbidden);
        Assert.Contains("event.from", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_submission_gets_400_listing_every_error_with_its_path()
    {
        var problem = await Submit("HLI", Release(j =>
        {
            j["dir"]!["client"]!["nhsNumber"] = "9434765918";
            j["prescribing"]!.AsObject().Remove("lastDose");
        }), HttpStatusCode.BadRequest);
        var paths = problem["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>()).ToList();
        Assert.Contains("dir.client.nhsNumber", paths);
        Assert.Contains("prescribing.lastDose", paths);
    }

    [Theory]
    [InlineData(Examples.Engagement)]
    [InlineData(Examples.ReceptionReply)]
    public async Task A_reply_to_a_message_that_does_not_exist_is_404_naming_event_inReplyTo(string example)
    {
        var sender = Examples.Json(example)["event"]!["from"]!.GetValue<string>();
        var problem = await Submit(sender, Encoding.UTF8.GetBytes(Examples.Text(example)), HttpStatusCode.NotFound);
        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Equal("event.inReplyTo", error!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_hostile_input_gets_400_naming_its_field_and_never_500()
    {
        var wrong = new List<string>();
        foreach (var hostile in HostileSubmissions.All)
        {
            using var client = Gateway.Client("BMI");
            var response = await client.SubmitAsync(hostile.Body());
            var named = response.Status == HttpStatusCode.BadRequest
                && GatewayUnderTest.Json(response.Text)["errors"]!.AsArray().Any(e => e!["path"]!.GetValue<string>() == hostile.Path);
            if (!named)
            {
                wrong.Add($"{hostile.Rule}: {(int)response.Status} {response.Text}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task An_agency_not_in_the_directory_is_refused_naming_the_field()
    {
        var problem = await Submit("HLI", Release(j => j["dir"]!["releasePlan"]!["cjitArea"] = "CJIT-NOWHERE"), HttpStatusCode.BadRequest);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["path"]!.GetValue<string>() == "dir.releasePlan.cjitArea");
    }

    [Fact]
    public async Task Another_agency_asking_for_a_mailbox_message_gets_404()
    {
        var accepted = ByRecipient(await Submit("HLI", Release()));
        var gpMessage = accepted["B86030"]["messageId"]!.GetValue<string>();
        using var otherGp = Gateway.Client("B82005");
        Assert.Equal(HttpStatusCode.NotFound, (await otherGp.FetchAsync(gpMessage)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await otherGp.AcknowledgeAsync(gpMessage)).Status);
        using var gp = Gateway.Client("B86030");
        Assert.Equal(HttpStatusCode.OK, (await gp.FetchAsync(gpMessage)).Status);
    }

    [Fact]
    public async Task A_fetched_and_acknowledged_message_leaves_the_mailbox_and_the_sender_sees_acknowledged()
    {
        var submitted = await Submit("HLI", Release());
        var gpMessage = ByRecipient(submitted)["B86030"]["messageId"]!.GetValue<string>();
        using var gp = Gateway.Client("B86030");
        Assert.True((await gp.FetchAsync(gpMessage)).IsSuccess);
        Assert.True((await gp.AcknowledgeAsync(gpMessage)).IsSuccess);
        Assert.DoesNotContain(GatewayUnderTest.Json((await gp.MailboxAsync()).Text)["messages"]!.AsArray(), m => m!["messageId"]!.GetValue<string>() == gpMessage);
        var tracking = await Gateway.Track("HLI", submitted["submissionId"]!.GetValue<string>());
        Assert.Equal("acknowledged", tracking["B86030"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_submission_again_gets_the_same_answer_and_no_new_messages()
    {
        var body = Release();
        var first = await Submit("HLI", body);
        var before = Gateway.Outbox.Totals().Accepted;
        var again = await Submit("HLI", body);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        Assert.Equal(before, Gateway.Outbox.Totals().Accepted);
    }

    [Fact]
    public async Task A_different_body_under_a_used_submission_id_is_a_conflict()
    {
        var id = Guid.NewGuid().ToString();
        await Submit("HLI", Release(j => j["submissionId"] = id));
        var problem = await Submit("HLI", Release(j =>
        {
            j["submissionId"] = id;
            j["dir"]!["keyworkerNotes"] = "Changed.";
        }), HttpStatusCode.Conflict);
        Assert.Contains(id, problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sender_tracks_its_submission_and_nobody_else_can()
    {
        var submitted = await Submit("HLI", Release());
        var id = submitted["submissionId"]!.GetValue<string>();
        Assert.Equal(3, (await Gateway.Track("HLI", id)).Count);
        using var other = Gateway.Client("BMI");
        Assert.Equal(HttpStatusCode.NotFound, (await other.TrackAsync(id)).Status);
    }

    [Fact]
    public async Task Totals_always_balance()
    {
        await Submit("HLI", Release());
        var totals = Gateway.Outbox.Totals();
        Assert.True(totals.Balances, totals.ToString());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_400()
    {
        var body = Encoding.UTF8.GetBytes("{\"submissionId\":\"" + new string('x', 1_100_000) + "\"}");
        var problem = await Submit("HLI", body, HttpStatusCode.BadRequest);
        Assert.Contains("1 MB", problem.ToJsonString(), StringComparison.Ordinal);
    }
}

/// <summary>A temporary folder removed at the end of a test.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("exg-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
