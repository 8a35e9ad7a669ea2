using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The four escalations in the running gateway on a hand-moved clock: on time, not when answered a minute early, once, and across a restart.</summary>
/// <remarks>The clock starts on Monday 7 June 2027, 10:00 BST (inside the development certificates' validity).</remarks>
public sealed class EscalationTests() : GatewayOnAClock(new DateTimeOffset(2027, 6, 7, 9, 0, 0, TimeSpan.Zero))
{
    private byte[] Record(string eventType, string releaseDate = "2027-06-10", Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"] = new JsonObject { ["type"] = eventType, ["occurredAt"] = At(Clock.Now), ["from"] = "HLI" };
        j["dir"]!["custody"]!["expectedReleaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["releaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["firstAppointment"] = releaseDate + "T14:00:00+01:00";
        change?.Invoke(j);
    });

    private byte[] Transfer(DateTimeOffset? plannedMoveAt) => Examples.Variant(Examples.Transfer, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["occurredAt"] = At(Clock.Now);
        if (plannedMoveAt is { } at)
        {
            j["event"]!["plannedMoveAt"] = At(at);
        }
    });

    private Task<JsonNode> Submit(byte[] body) => Submit(body, "HLI");

    private async Task Respond(string agency, string messageId, string outcome = ResponseOutcomes.Accepted)
    {
        using var client = Gateway.Client(agency);
        var body = new JsonObject { ["outcome"] = outcome, ["by"] = new JsonObject { ["name"] = "Dr A Khan", ["role"] = "Prescriber" } };
        var response = await client.RespondAsync(messageId, Encoding.UTF8.GetBytes(body.ToJsonString()));
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
    }

    private static string Id(JsonNode accepted) => accepted["submissionId"]!.GetValue<string>();

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    // The worker's own loop may get there first; either way an escalation fires once, so the tests look at the outcome.
    private void Advance(DateTimeOffset at)
    {
        Clock.Now = at;
        Gateway.Service<EscalationAlerts>().RunDue();
    }

    private List<EscalationEntry> Escalations(string submissionId) =>
        [.. Gateway.Outbox.Store.Snapshot(tx => tx.Escalations.List()).Where(e => e.SubmissionId == submissionId)];

    private List<EscalationEntry> Acceptances(string submissionId) => [.. Escalations(submissionId).Where(e => e.Kind == EscalationKinds.ReleaseAcceptanceDue)];

    private EscalationEntry Single(string submissionId, string kind, string? watching = null) =>
        Assert.Single(Escalations(submissionId), e => e.Kind == kind && (watching is null || e.WatchRecipient == watching));

    private List<string> Alerts(string agency) => Pushed(agency, "escalation-alert");

    private async Task<List<string>> AlertsArrive(string agency, int count)
    {
        await GatewayUnderTest.Eventually(() => Alerts(agency).Count >= count, Patience, $"{count} escalation alert(s) pushed to {agency}");
        return Alerts(agency);
    }

    [Fact]
    public async Task A_transfer_not_accepted_by_its_planned_move_alerts_the_sending_prison_once_even_on_a_Saturday()
    {
        var planned = new DateTimeOffset(2027, 6, 12, 7, 30, 0, TimeSpan.Zero);
        var transfer = await Submit(Transfer(planned), "BMI");
        Assert.Equal(planned, Single(Id(transfer), EscalationKinds.TransferAcceptanceDue, "SFI").DueAt);

        Advance(planned.AddMinutes(-1));
        Assert.Equal(EscalationStatus.Pending, Single(Id(transfer), EscalationKinds.TransferAcceptanceDue).Status);
        Advance(planned);
        Advance(planned.AddHours(1));

        Assert.Equal(EscalationStatus.Escalated, Single(Id(transfer), EscalationKinds.TransferAcceptanceDue).Status);
        var alert = Assert.Single(await AlertsArrive("BMI", 1));
        Assert.Contains("has not been accepted by the receiving prison", alert, StringComparison.Ordinal);
        Assert.Contains("transfer-acceptance-due", alert, StringComparison.Ordinal);
        var (exit, listed) = CrashTests.Exg(["schedule", "list", "--data", Gateway.Data]);
        Assert.True(exit == 0, listed);
        Assert.Contains(EscalationKinds.TransferAcceptanceDue, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transfer_without_a_planned_move_must_be_accepted_within_four_hours()
    {
        var transfer = await Submit(Transfer(null), "BMI");

        Assert.Equal(Clock.Now.AddHours(4), Single(Id(transfer), EscalationKinds.TransferAcceptanceDue).DueAt);
    }

    [Fact]
    public async Task A_transfer_accepted_a_minute_before_the_planned_move_raises_no_alert()
    {
        var planned = Clock.Now.AddHours(3);
        var transfer = await Submit(Transfer(planned), "BMI");
        Clock.Now = planned.AddMinutes(-1);

        await Respond("SFI", MessageFor(transfer, "SFI"));
        Advance(planned.AddHours(1));

        Assert.Equal(EscalationStatus.Answered, Single(Id(transfer), EscalationKinds.TransferAcceptanceDue).Status);
        Assert.Empty(Alerts("BMI"));
    }

    [Fact]
    public async Task A_reception_with_no_reply_in_two_hours_alerts_the_prison_to_confirm_the_dose_by_other_means()
    {
        var reception = await Submit(Record(EventTypes.Reception));
        var due = Single(Id(reception), EscalationKinds.ReceptionReplyDue).DueAt;
        Assert.Equal(Clock.Now.AddHours(2), due);

        Advance(due.AddMinutes(-1));
        Assert.Equal(EscalationStatus.Pending, Single(Id(reception), EscalationKinds.ReceptionReplyDue).Status);
        Advance(due);

        var alert = Assert.Single(await AlertsArrive("HLI", 1));
        Assert.Contains("No community prescribing record yet: confirm the dose by other means before dosing", alert, StringComparison.Ordinal);
        Assert.Empty(Alerts("CJIT-LEEDS"));
    }

    [Fact]
    public async Task The_reception_reply_window_is_Gateway_ReceptionReplyHours()
    {
        await Gateway.DisposeAsync();
        Gateway = await Start(null, "--Gateway:ReceptionReplyHours", "3");

        var reception = await Submit(Record(EventTypes.Reception));

        Assert.Equal(Clock.Now.AddHours(3), Single(Id(reception), EscalationKinds.ReceptionReplyDue).DueAt);
    }

    [Fact]
    public async Task A_reception_reply_a_minute_before_the_deadline_raises_no_alert()
    {
        var reception = await Submit(Record(EventTypes.Reception));
        var due = Single(Id(reception), EscalationKinds.ReceptionReplyDue).DueAt;
        Clock.Now = due.AddMinutes(-1);

        await Submit(Examples.Variant(Examples.ReceptionReply, j =>
        {
            j["submissionId"] = Guid.NewGuid().ToString();
            j["event"]!["from"] = "B86030";
            j["event"]!["occurredAt"] = At(Clock.Now);
            j["event"]!["inReplyTo"] = MessageFor(reception, "B86030");
            j["client"]!["nhsNumber"] = "9434765919";
            j["client"]!["prisonNumber"] = "A1234BC";
        }), "B86030");
        Advance(due.AddHours(1));

        Assert.Equal(EscalationStatus.Answered, Single(Id(reception), EscalationKinds.ReceptionReplyDue).Status);
        await GatewayUnderTest.Eventually(() => Agencies.LogEntries.Any(e => e.RequestMessage.Path == "/agencies/HLI"), Patience, "the reply pushed to HLI");
        Assert.Empty(Alerts("HLI"));
    }

    [Fact]
    public async Task A_release_notice_not_accepted_by_noon_the_working_day_before_alerts_the_prison_and_the_CJIT()
    {
        // Release on Monday 14 June: the working day before is Friday 11 June, noon BST.
        var deadline = new DateTimeOffset(2027, 6, 11, 11, 0, 0, TimeSpan.Zero);
        var notice = await Submit(Record(EventTypes.ReleaseNotice, "2027-06-14"));
        Assert.Equal(deadline, Single(Id(notice), EscalationKinds.ReleaseAcceptanceDue, "B86030").DueAt);
        Assert.Equal(deadline, Single(Id(notice), EscalationKinds.ReleaseAcceptanceDue, "CJIT-LEEDS").DueAt);

        Advance(deadline.AddMinutes(-1));
        Assert.All(Acceptances(Id(notice)), e => Assert.Equal(EscalationStatus.Pending, e.Status));
        Advance(deadline);

        Assert.All(Acceptances(Id(notice)), e => Assert.Equal(EscalationStatus.Escalated, e.Status));
        var toPrison = await AlertsArrive("HLI", 2);
        Assert.Contains(toPrison, a => a.Contains("not even fetched", StringComparison.Ordinal));
        Assert.Equal(2, (await AlertsArrive("CJIT-LEEDS", 2)).Count);
    }

    [Fact]
    public async Task Release_records_accepted_a_minute_before_noon_the_working_day_before_raise_no_alert()
    {
        var deadline = new DateTimeOffset(2027, 6, 9, 11, 0, 0, TimeSpan.Zero);
        var notice = await Submit(Record(EventTypes.ReleaseNotice));
        Clock.Now = deadline.AddMinutes(-1);

        await Respond("B86030", MessageFor(notice, "B86030"));
        await Respond("CJIT-LEEDS", MessageFor(notice, "CJIT-LEEDS"));
        Advance(deadline.AddHours(2));

        Assert.Equal([EscalationStatus.Answered, EscalationStatus.Answered], Acceptances(Id(notice)).Select(e => e.Status));
        Assert.Empty(Alerts("HLI"));
        Assert.Empty(Alerts("CJIT-LEEDS"));
    }

    [Fact]
    public async Task A_release_record_arriving_after_the_deadline_must_be_accepted_within_four_hours_and_replaces_the_earlier_one()
    {
        var notice = await Submit(Record(EventTypes.ReleaseNotice));
        Clock.Now = new DateTimeOffset(2027, 6, 9, 12, 0, 0, TimeSpan.Zero);

        var later = await Submit(Record(EventTypes.ReleaseNotice));

        Assert.Equal(Clock.Now.AddHours(4), Single(Id(later), EscalationKinds.ReleaseAcceptanceDue, "B86030").DueAt);
        Assert.All(Escalations(Id(notice)), e => Assert.Equal(EscalationStatus.Moved, e.Status));
        Assert.Equal(3, Escalations(Id(notice)).Count);
    }

    [Fact]
    public async Task No_engagement_report_by_day_21_alerts_the_CJIT_and_the_releasing_prison()
    {
        var release = await Submit(Record(EventTypes.Release, "2027-06-07", j => j["event"]!["plannedRelease"] = true));
        var due = Single(Id(release), EscalationKinds.EngagementDue).DueAt;
        // Due by the end of day 21 (28 June): the alert goes at 09:00 BST on day 22.
        Assert.Equal(new DateTimeOffset(2027, 6, 29, 8, 0, 0, TimeSpan.Zero), due);

        Advance(due.AddMinutes(-1));
        Assert.Equal(EscalationStatus.Pending, Single(Id(release), EscalationKinds.EngagementDue).Status);
        Advance(due);

        Assert.Contains(await AlertsArrive("CJIT-LEEDS", 1), a => a.Contains("No engagement report by day 21", StringComparison.Ordinal));
        Assert.Contains(await AlertsArrive("HLI", 1), a => a.Contains("No engagement report by day 21", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_engagement_report_a_minute_before_day_21_raises_no_alert()
    {
        var release = await Submit(Record(EventTypes.Release, "2027-06-07", j => j["event"]!["plannedRelease"] = true));
        var due = Single(Id(release), EscalationKinds.EngagementDue).DueAt;
        Clock.Now = due.AddMinutes(-1);

        await Submit(Examples.Variant(Examples.Engagement, j =>
        {
            j["submissionId"] = Guid.NewGuid().ToString();
            j["event"]!["occurredAt"] = At(Clock.Now);
            j["event"]!["inReplyTo"] = MessageFor(release, "CJIT-LEEDS");
            j["engagement"]!["date"] = "2027-06-21";
            j["engagement"]!["nextAppointment"] = "2027-07-05T10:30:00+01:00";
        }), "CJIT-LEEDS");
        Advance(due.AddHours(1));

        Assert.Equal(EscalationStatus.Answered, Single(Id(release), EscalationKinds.EngagementDue).Status);
        Assert.DoesNotContain(Alerts("CJIT-LEEDS"), a => a.Contains("engagement-due", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_summary_sent_ahead_counts_day_21_from_the_planned_date_until_the_release_itself_moves_it()
    {
        var ahead = await Submit(Record(EventTypes.Release, "2027-06-10", j => j["event"]!["plannedRelease"] = true));
        Assert.Equal(new DateTimeOffset(2027, 7, 2, 8, 0, 0, TimeSpan.Zero), Single(Id(ahead), EscalationKinds.EngagementDue).DueAt);
        Clock.Now = new DateTimeOffset(2027, 6, 11, 9, 0, 0, TimeSpan.Zero);

        var released = await Submit(Record(EventTypes.Release, "2027-06-10", j => j["event"]!["plannedRelease"] = true));

        Assert.Equal(EscalationStatus.Moved, Single(Id(ahead), EscalationKinds.EngagementDue).Status);
        Assert.Equal(new DateTimeOffset(2027, 7, 3, 8, 0, 0, TimeSpan.Zero), Single(Id(released), EscalationKinds.EngagementDue).DueAt);
    }

    [Fact]
    public async Task An_escalation_for_a_person_who_withdrew_consent_since_ends_without_an_alert()
    {
        var reception = await Submit(Record(EventTypes.Reception));
        await Submit(Record(EventTypes.Reception, change: j =>
        {
            j["event"]!["from"] = "BMI";
            j["dir"]!["consent"]!["withdrawnAt"] = At(Clock.Now.AddMinutes(-5));
        }), "BMI");

        Advance(Clock.Now.AddHours(3));

        var escalation = Single(Id(reception), EscalationKinds.ReceptionReplyDue);
        Assert.Equal(EscalationStatus.Withdrawn, escalation.Status);
        Assert.Empty(Alerts("HLI"));
    }

    [Fact]
    public async Task An_escalation_due_while_the_gateway_was_stopped_fires_once_after_the_restart()
    {
        var planned = Clock.Now.AddHours(3);
        var transfer = await Submit(Transfer(planned), "BMI");
        var folder = Gateway.Folder;
        await Gateway.StopKeepingDataAsync();

        Clock.Now = planned.AddHours(5);
        Gateway = await Start(folder);
        Advance(Clock.Now);
        Assert.Equal(EscalationStatus.Escalated, Single(Id(transfer), EscalationKinds.TransferAcceptanceDue).Status);
        await AlertsArrive("BMI", 1);

        await Gateway.StopKeepingDataAsync();
        Gateway = await Start(folder);
        Advance(Clock.Now.AddHours(1));

        Assert.Equal(0, Gateway.Service<EscalationAlerts>().RunDue());
        Assert.Single(Alerts("BMI"));
    }
}
