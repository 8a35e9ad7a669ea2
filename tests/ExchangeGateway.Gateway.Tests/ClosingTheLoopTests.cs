using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Answers, replies and engagement reports end to end over mutual TLS: who receives them, who may send them, and what the sender sees.</summary>
public sealed class ClosingTheLoopTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static byte[] Record(string eventType, Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["type"] = eventType;
        if (eventType != EventTypes.Release)
        {
            j["event"]!.AsObject().Remove("plannedRelease");
        }

        change?.Invoke(j);
    });

    // BMI to SFI.
    private static byte[] Transfer() => Examples.Variant(Examples.Transfer, j => j["submissionId"] = Guid.NewGuid().ToString());

    // About the person of the release example, whose records the replies answer.
    private static byte[] Reply(string example, string from, string inReplyTo, Action<JsonObject>? change = null) => Examples.Variant(example, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["from"] = from;
        j["event"]!["inReplyTo"] = inReplyTo;
        j["client"] = Person();
        change?.Invoke(j);
    });

    private static JsonObject Person()
    {
        var client = Examples.Json(Examples.ReleaseOst)["dir"]!["client"]!.AsObject();
        return new JsonObject
        {
            ["surname"] = client["surname"]!.GetValue<string>(), ["forenames"] = client["forenames"]!.GetValue<string>(),
            ["dateOfBirth"] = client["dateOfBirth"]!.GetValue<string>(), ["sex"] = client["sex"]!.GetValue<string>(),
            ["nhsNumber"] = client["nhsNumber"]!.GetValue<string>(), ["prisonNumber"] = client["prisonNumber"]!.GetValue<string>(),
        };
    }

    private static JsonObject Answer(string outcome, string? name = "Dr A Khan", string? reason = null, Action<JsonObject>? change = null)
    {
        var by = new JsonObject { ["role"] = "Prescriber", ["professionalId"] = "GMC 1234567" };
        if (name is not null)
        {
            by["name"] = name;
        }

        var body = new JsonObject { ["outcome"] = outcome, ["by"] = by };
        if (reason is not null)
        {
            body["reason"] = reason;
        }

        change?.Invoke(body);
        return body;
    }

    private async Task<JsonNode> Submit(string sender, byte[] body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(expected == response.Status, $"expected {expected}, got {response.Status}: {response.Text}");
        return GatewayUnderTest.Json(response.Text);
    }

    private async Task<JsonNode> Respond(string agency, string messageId, JsonObject body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = Gateway.Client(agency);
        var response = await client.RespondAsync(messageId, Encoding.UTF8.GetBytes(body.ToJsonString()));
        Assert.True(expected == response.Status, $"expected {expected}, got {response.Status}: {response.Text}");
        return GatewayUnderTest.Json(response.Text);
    }

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    private List<(string MessageId, byte[] Body)> Pushed(string agency) =>
        [.. Agencies.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency)
            .Select(e => (e.RequestMessage.Headers!["X-Message-Id"].ToString(), e.RequestMessage.BodyAsBytes!))];

    private async Task<byte[]> PushedTo(string agency, string messageId)
    {
        await GatewayUnderTest.Eventually(() => Pushed(agency).Any(p => p.MessageId == messageId), Patience, $"message {messageId} pushed to {agency}");
        return Pushed(agency).First(p => p.MessageId == messageId).Body;
    }

    private async Task<List<string>> Mailbox(string agency)
    {
        using var client = Gateway.Client(agency);
        var response = await client.MailboxAsync();
        return [.. GatewayUnderTest.Json(response.Text)["messages"]!.AsArray().Select(m => m!["messageId"]!.GetValue<string>())];
    }

    private static List<string> Errors(JsonNode problem) => [.. problem["errors"]!.AsArray().Select(e => e!["path"]!.GetValue<string>())];

    [Fact]
    public async Task A_GP_reply_to_a_reception_reaches_the_prison_that_sent_it_linked_to_its_reception_and_no_one_else()
    {
        var reception = await Submit("HLI", Record(EventTypes.Reception));
        Assert.Contains("CTP-FWDLEEDS", reception["messages"]!.AsArray().Select(m => m!["recipient"]!.GetValue<string>()));
        var receptionMessage = MessageFor(reception, "B86030");
        using (var gp = Gateway.Client("B86030"))
        {
            Assert.True((await gp.FetchAsync(receptionMessage)).IsSuccess);
        }

        var reply = await Submit("B86030", Reply(Examples.ReceptionReply, "B86030", receptionMessage));

        var line = Assert.Single(reply["messages"]!.AsArray());
        Assert.Equal("HLI", line!["recipient"]!.GetValue<string>());
        Assert.Equal(ReplyAcceptance.DirectCare, line["legalBasis"]!.GetValue<string>());
        var replyMessage = line["messageId"]!.GetValue<string>();
        var document = GatewayUnderTest.Open(await PushedTo("HLI", replyMessage), "HLI");
        Assert.Contains(receptionMessage, document, StringComparison.Ordinal);
        Assert.Contains("reception-reply", document, StringComparison.Ordinal);
        foreach (var other in (string[])["CJIT-LEEDS", "BMI"])
        {
            Assert.DoesNotContain(Pushed(other), p => p.MessageId == replyMessage);
        }

        foreach (var other in (string[])["B86030", "CTP-FWDLEEDS", "B82005"])
        {
            Assert.DoesNotContain(replyMessage, await Mailbox(other));
        }

        var escalation = Assert.Single(Gateway.Outbox.Store.Snapshot(tx => tx.Escalations.List()), e => e.SubmissionId == reception["submissionId"]!.GetValue<string>());
        Assert.Equal((EscalationKinds.ReceptionReplyDue, EscalationStatus.Answered), (escalation.Kind, escalation.Status));
    }

    [Fact]
    public async Task A_reception_asks_the_community_provider_plainly_to_stop_dispensing_and_reply()
    {
        var reception = await Submit("HLI", Record(EventTypes.Reception));
        var messageId = MessageFor(reception, "CTP-FWDLEEDS");
        using var provider = Gateway.Client("CTP-FWDLEEDS");
        var document = GatewayUnderTest.Open((await provider.FetchAsync(messageId)).Body, "CTP-FWDLEEDS");

        Assert.Contains("Stop community dispensing", document, StringComparison.Ordinal);
        Assert.Contains("reception-reply", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GP_accepts_a_release_as_a_named_clinician_and_the_sender_sees_who_in_track()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var submissionId = release["submissionId"]!.GetValue<string>();
        var messageId = MessageFor(release, "B86030");
        using (var gp = Gateway.Client("B86030"))
        {
            Assert.True((await gp.FetchAsync(messageId)).IsSuccess);
        }

        var answered = await Respond("B86030", messageId, Answer(ResponseOutcomes.Accepted, change: b => b["note"] = "First appointment booked."));

        Assert.Equal(ResponseOutcomes.Accepted, answered["status"]!.GetValue<string>());
        var tracked = (await Gateway.Track("HLI", submissionId))["B86030"];
        Assert.Equal(ResponseOutcomes.Accepted, tracked["status"]!.GetValue<string>());
        Assert.Equal("Dr A Khan", tracked["response"]!["by"]!["name"]!.GetValue<string>());
        Assert.Equal("GMC 1234567", tracked["response"]!["by"]!["professionalId"]!.GetValue<string>());
        Assert.NotNull(tracked["response"]!["at"]);

        // The answer is the mailbox acknowledgement too, and the same answer again changes nothing.
        Assert.DoesNotContain(messageId, await Mailbox("B86030"));
        Assert.Equal(MessageStatus.Acknowledged, Gateway.Outbox.List(MessageStatus.Acknowledged, 100).Single(m => m.MessageId == messageId).Status);
        var again = await Respond("B86030", messageId, Answer(ResponseOutcomes.Accepted, change: b => b["note"] = "First appointment booked."));
        Assert.Equal(answered["response"]!.ToJsonString(), again["response"]!.ToJsonString());
        var conflict = await Respond("B86030", messageId, Answer(ResponseOutcomes.Rejected, reason: "Not registered here"), HttpStatusCode.Conflict);
        Assert.Contains("already answered", conflict["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exg_respond_accepts_as_a_named_clinician_and_exg_track_shows_who()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var messageId = MessageFor(release, "B86030");
        string[] gateway = ["--gateway", Gateway.Address.ToString(), "--certs", GatewayUnderTest.Certs];

        var (exit, said) = CrashTests.Exg(["respond", messageId, .. gateway, "--as", "B86030", "--accept", "--by-name", "Dr A Khan", "--by-role", "GP", "--by-id", "GMC 1234567"]);
        var (trackExit, tracked) = CrashTests.Exg(["track", release["submissionId"]!.GetValue<string>(), .. gateway, "--as", "HLI"]);
        var (neither, refusal) = CrashTests.Exg(["respond", messageId, .. gateway, "--as", "B86030", "--by-name", "Dr A Khan", "--by-role", "GP"]);
        var (other, notTheirs) = CrashTests.Exg(["respond", messageId, .. gateway, "--as", "B82005", "--reject", "Not ours", "--by-name", "Dr B", "--by-role", "GP"]);

        Assert.True(exit == 0, said);
        Assert.Contains("accepted by Dr A Khan (GP, GMC 1234567)", said, StringComparison.Ordinal);
        Assert.True(trackExit == 0, tracked);
        Assert.Contains("accepted by Dr A Khan (GP, GMC 1234567)", tracked, StringComparison.Ordinal);
        Assert.NotEqual(0, neither);
        Assert.Contains("--accept or --reject", refusal, StringComparison.Ordinal);
        Assert.NotEqual(0, other);
        Assert.Contains("404", notTheirs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejection_with_a_reason_and_a_medication_that_cannot_continue_reaches_the_sending_prison_at_once()
    {
        var transfer = await Submit("BMI", Transfer());
        var messageId = MessageFor(transfer, "SFI");
        await PushedTo("SFI", messageId);

        var answered = await Respond("SFI", messageId, Answer(ResponseOutcomes.Rejected, reason: "No bed in the healthcare unit until Monday", change: b =>
            b["cannotContinue"] = new JsonArray(new JsonObject { ["medication"] = "buprenorphine-prolonged-release-injection", ["reason"] = "Not on this prison's formulary" })));

        var notice = answered["noticeMessageId"]!.GetValue<string>();
        var document = GatewayUnderTest.Open(await PushedTo("BMI", notice), "BMI");
        Assert.Contains("\"resourceType\": \"Task\"", document, StringComparison.Ordinal);
        Assert.Contains("No bed in the healthcare unit until Monday", document, StringComparison.Ordinal);
        Assert.Contains("Not on this prison's formulary", document, StringComparison.Ordinal);
        var tracked = (await Gateway.Track("BMI", transfer["submissionId"]!.GetValue<string>()))["SFI"];
        Assert.Equal(ResponseOutcomes.Rejected, tracked["status"]!.GetValue<string>());
        Assert.Equal("No bed in the healthcare unit until Monday", tracked["response"]!["reason"]!.GetValue<string>());
        var escalation = Assert.Single(Gateway.Outbox.Store.Snapshot(tx => tx.Escalations.List()), e => e.SubmissionId == transfer["submissionId"]!.GetValue<string>());
        Assert.Equal((EscalationKinds.TransferAcceptanceDue, EscalationStatus.Answered), (escalation.Kind, escalation.Status));
    }

    [Fact]
    public async Task A_third_agency_cannot_answer_or_reply_to_another_agencys_message_and_sees_the_same_404_as_for_no_message()
    {
        var reception = await Submit("HLI", Record(EventTypes.Reception));
        var gpMessage = MessageFor(reception, "B86030");
        var unknown = Guid.NewGuid().ToString();

        var notTheirs = await Respond("B82005", gpMessage, Answer(ResponseOutcomes.Accepted), HttpStatusCode.NotFound);
        var noSuch = await Respond("B82005", unknown, Answer(ResponseOutcomes.Accepted), HttpStatusCode.NotFound);
        Assert.Equal(Errors(notTheirs), Errors(noSuch));
        await Respond("HLI", gpMessage, Answer(ResponseOutcomes.Accepted), HttpStatusCode.NotFound);

        var replyNotTheirs = await Submit("CJIT-NOTTS", Reply(Examples.ReceptionReply, "CJIT-NOTTS", gpMessage), HttpStatusCode.NotFound);
        var replyNoSuch = await Submit("CJIT-NOTTS", Reply(Examples.ReceptionReply, "CJIT-NOTTS", unknown), HttpStatusCode.NotFound);
        Assert.Equal(["event.inReplyTo"], Errors(replyNotTheirs));
        Assert.Equal(Errors(replyNotTheirs), Errors(replyNoSuch));
        Assert.Equal(replyNotTheirs["title"]!.GetValue<string>().Replace(gpMessage, "", StringComparison.Ordinal), replyNoSuch["title"]!.GetValue<string>().Replace(unknown, "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_engagement_report_reaches_the_releasing_prison_and_the_GP()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var cjitMessage = MessageFor(release, "CJIT-LEEDS");
        await PushedTo("CJIT-LEEDS", cjitMessage);

        var report = await Submit("CJIT-LEEDS", Reply(Examples.Engagement, "CJIT-LEEDS", cjitMessage));

        var recipients = report["messages"]!.AsArray().ToDictionary(m => m!["recipient"]!.GetValue<string>(), m => m!["messageId"]!.GetValue<string>());
        Assert.Equal(["B86030", "HLI"], recipients.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("did-not-attend", GatewayUnderTest.Open(await PushedTo("HLI", recipients["HLI"]), "HLI"), StringComparison.Ordinal);
        Assert.Contains(recipients["B86030"], await Mailbox("B86030"));
    }

    [Fact]
    public async Task An_engagement_report_after_the_person_withdrew_consent_is_shared_with_no_one()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var cjitMessage = MessageFor(release, "CJIT-LEEDS");
        await PushedTo("CJIT-LEEDS", cjitMessage);
        await Submit("BMI", Record(EventTypes.Reception, j =>
        {
            j["event"]!["from"] = "BMI";
            j["dir"]!["consent"]!["withdrawnAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        }));

        var report = await Submit("CJIT-LEEDS", Reply(Examples.Engagement, "CJIT-LEEDS", cjitMessage));

        Assert.All(report["messages"]!.AsArray(), m =>
        {
            Assert.Equal("withheld", m!["status"]!.GetValue<string>());
            Assert.Null(m["messageId"]);
        });
    }

    [Fact]
    public async Task An_answer_without_by_name_and_a_rejection_without_a_reason_are_refused_naming_the_field()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var messageId = MessageFor(release, "B86030");

        Assert.Contains("by.name", Errors(await Respond("B86030", messageId, Answer(ResponseOutcomes.Accepted, name: null), HttpStatusCode.BadRequest)));
        Assert.Equal(["reason"], Errors(await Respond("B86030", messageId, Answer(ResponseOutcomes.Rejected), HttpStatusCode.BadRequest)));
        Assert.Contains("outcome", Errors(await Respond("B86030", messageId, Answer("maybe"), HttpStatusCode.BadRequest)));
        Assert.Equal(["cannotContinue"], Errors(await Respond("B86030", messageId, Answer(ResponseOutcomes.Accepted, change: b =>
            b["cannotContinue"] = new JsonArray(new JsonObject { ["medication"] = "methadone-oral-solution-1mg-ml", ["reason"] = "x" })), HttpStatusCode.BadRequest)));
        using var gp = Gateway.Client("B86030");
        var notJson = await gp.RespondAsync(messageId, Encoding.UTF8.GetBytes("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.Status);
        Assert.Null(Gateway.Outbox.Store.Snapshot(tx => tx.Responses.Find(messageId)));
    }

    [Fact]
    public async Task A_reply_about_another_person_than_the_message_it_answers_is_refused_naming_the_NHS_number()
    {
        var reception = await Submit("HLI", Record(EventTypes.Reception));
        var messageId = MessageFor(reception, "B86030");

        var problem = await Submit("B86030", Reply(Examples.ReceptionReply, "B86030", messageId, j => j["client"] = Examples.Json(Examples.ReceptionReply)["client"]!.DeepClone()),
            HttpStatusCode.BadRequest);

        Assert.Equal(["client.nhsNumber"], Errors(problem));
        Assert.Equal(EscalationStatus.Pending, Gateway.Outbox.Store.Snapshot(tx => tx.Escalations.List()).Single(e => e.SubmissionId == reception["submissionId"]!.GetValue<string>()).Status);
    }

    [Fact]
    public async Task The_gateways_own_notices_cannot_be_answered_and_look_like_no_message()
    {
        var transfer = await Submit("BMI", Transfer());
        var answered = await Respond("SFI", MessageFor(transfer, "SFI"), Answer(ResponseOutcomes.Rejected, reason: "No bed"));
        var notice = answered["noticeMessageId"]!.GetValue<string>();

        var problem = await Respond("BMI", notice, Answer(ResponseOutcomes.Rejected, reason: "Rejecting the rejection"), HttpStatusCode.NotFound);

        Assert.Equal(["messageId"], Errors(problem));
    }

    [Fact]
    public async Task An_answer_with_a_key_given_twice_or_text_that_is_not_Unicode_is_refused_naming_where()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var messageId = MessageFor(release, "B86030");
        using var gp = Gateway.Client("B86030");

        var twice = await gp.RespondAsync(messageId, Encoding.UTF8.GetBytes("""{"outcome":"accepted","outcome":"rejected","by":{"name":"A","role":"GP"}}"""));
        var surrogate = await gp.RespondAsync(messageId, Encoding.UTF8.GetBytes("""{"outcome":"rejected","reason":"\ud800x","by":{"name":"A","role":"GP"}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, twice.Status);
        Assert.Equal(["outcome"], Errors(GatewayUnderTest.Json(twice.Text)));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.Status);
        Assert.Equal(["reason"], Errors(GatewayUnderTest.Json(surrogate.Text)));
    }

    [Fact]
    public async Task An_engagement_report_from_a_GP_is_refused_naming_event_type()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var messageId = MessageFor(release, "B86030");

        var problem = await Submit("B86030", Reply(Examples.Engagement, "B86030", messageId), HttpStatusCode.BadRequest);

        Assert.Equal(["event.type"], Errors(problem));
    }

    [Fact]
    public async Task A_reception_reply_to_a_release_message_is_refused_naming_event_inReplyTo()
    {
        var release = await Submit("HLI", Record(EventTypes.Release));
        var messageId = MessageFor(release, "B86030");

        var problem = await Submit("B86030", Reply(Examples.ReceptionReply, "B86030", messageId), HttpStatusCode.BadRequest);

        Assert.Equal(["event.inReplyTo"], Errors(problem));
    }
}
