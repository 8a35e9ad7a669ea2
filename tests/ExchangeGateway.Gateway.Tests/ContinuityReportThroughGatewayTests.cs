using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// exg report continuity over the data folder of a real gateway that was sent, over mutual TLS and on a hand-moved clock,
/// release notices, releases, GP fetches and acceptances and engagement reports: every figure against a hand calculation.
/// </summary>
public sealed class ContinuityReportThroughGatewayTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly JsonSerializerOptions AsWritten = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Wednesday 20 January 2027, 09:00 GMT (inside the development certificates' validity). Every time up to the last
    // release is before summer time begins (28 March), so UTC is London time.
    private readonly ManualClock clock = new(new DateTimeOffset(2027, 1, 20, 9, 0, 0, TimeSpan.Zero));

    // Mailbox messages wait for their fetch longer than the months the test spans.
    private protected override Task<GatewayUnderTest> StartGatewayAsync() =>
        GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(["--Gateway:MailboxExpiry", "120.00:00:00"]), s => s.AddSingleton<TimeProvider>(clock));

    private static DateTimeOffset On(int month, int day, int hour) => new(2027, month, day, hour, 0, 0, TimeSpan.Zero);

    private static string At(DateTimeOffset instant) => instant.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One person, and what their plan says.</summary>
    private sealed record Person(string NhsNumber, string PrisonNumber, string ReleaseDate, bool OnOst = true, bool Bridging = true, bool Naloxone = true, bool FirstAppointment = true);

    // HLI × CJIT-LEEDS, March 2027: seven planned releases, each first heard of by a notice. Every record goes to the CJIT
    // (push), the GP B86030 and the community provider CTP-FWDLEEDS (mailboxes). "Fetched all" is the GP and CTP fetching
    // every mailbox message of the notice (the notice and its 2-days reminder), after the escalation alerts and the reminder's
    // push to the CJIT have been delivered, on the day before the release; the release itself is sent at 07:00 on the day
    // (before the day-of reminder), so the notice is the latest record before the day. A GP acceptance acknowledges the GP's
    // copy, which then counts as delivered.
    //                 notice        release       lead  notice's messages delivered     GP accepted      OST/bridging  opioid/naloxone  first appt  engagement report (date)
    //   p1            25 Jan 10:00  Mon  8 Mar     42   fetched all 7 Mar: yes          yes (26 Jan)     yes/yes       yes/yes          yes         attended 9 Mar (+1): yes
    //   p2            20 Jan 10:00  Wed 10 Mar     49   fetched all 9 Mar: yes          yes (21 Jan)     yes/no        yes/yes          yes         engaged 31 Mar (+21): yes
    //   p3            15 Feb 10:00  Thu 11 Mar     24   fetched all 10 Mar: yes         no               yes/yes       yes/no           no          attended 2 Apr (+22): no
    //   p4             1 Mar 10:00  Mon 15 Mar     14   CTP never fetched (the GP's     yes (2 Mar,      no/-          yes/yes          yes         did-not-attend 16 Mar: no
    //                                                   copy acknowledged by its         not fetched)
    //                                                   acceptance 2 Mar): no
    //   p5            12 Mar 10:00  Wed 17 Mar      5   fetched 17 Mar 08:00, on the    no               yes/yes       yes/yes          no          engaged 20 Mar (+3): yes
    //                                                   day: no
    //   p6             1 Feb 10:00  Fri 19 Mar     46   fetched all 18 Mar: yes         no               yes/yes       yes/yes          no          none: no
    //   p7            22 Feb 10:00  Tue 23 Mar     29   fetched all 22 Mar: yes         yes (22 Mar      yes/yes       yes/yes          no          attended 24 Mar (+1): yes
    //                                                                                    11:00)
    // releases 7; lead days sorted 5, 14, 24, 29, 42, 46, 49: median 29; at least 42 days p1 p2 p6 = 3 of 7 -> null (suppressed);
    // delivered p1 p2 p3 p6 p7 = 5 of 7 = 0.714; GP accepted p1 p2 p4 p7 = 4 -> null (suppressed); bridging p1 p3 p5 p6 p7 =
    // 5 of 6 on OST = 0.833; naloxone 6 of 7 opioid users (heroin in everyone's substances) = 0.857; first appointment p1 p2 p4
    // = 3 -> null (suppressed); engaged within 21 days p1 p2 p5 p7 = 4 -> null (suppressed); overdue 0 (every release came on
    // its day before noon).
    private static readonly Person P1 = new("9434765919", "A1001AA", "2027-03-08");
    private static readonly Person P2 = new("4857773457", "A1002AB", "2027-03-10", Bridging: false);
    private static readonly Person P3 = new("4010232137", "A1003AC", "2027-03-11", Naloxone: false, FirstAppointment: false);
    private static readonly Person P4 = new("9434765927", "A1004AD", "2027-03-15", OnOst: false, Bridging: false);
    private static readonly Person P5 = new("9734567802", "A1005AE", "2027-03-17", FirstAppointment: false);
    private static readonly Person P6 = new("9123456787", "A1006AF", "2027-03-19", FirstAppointment: false);
    private static readonly Person P7 = new("9485739214", "A1007AG", "2027-03-23", FirstAppointment: false);

    private byte[] Record(string eventType, Person person) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"] = new JsonObject { ["type"] = eventType, ["occurredAt"] = At(clock.Now), ["from"] = "HLI", ["plannedRelease"] = true };
        var dir = j["dir"]!;
        dir["client"]!["nhsNumber"] = person.NhsNumber;
        dir["client"]!["prisonNumber"] = person.PrisonNumber;
        dir["custody"]!["expectedReleaseDate"] = person.ReleaseDate;
        dir["releasePlan"]!["releaseDate"] = person.ReleaseDate;
        if (person.FirstAppointment)
        {
            dir["releasePlan"]!["firstAppointment"] = person.ReleaseDate + "T14:00:00+00:00";
        }
        else
        {
            dir["releasePlan"]!.AsObject().Remove("firstAppointment");
        }

        var prescribing = j["prescribing"]!.AsObject();
        if (!person.OnOst)
        {
            prescribing["onOst"] = false;
            prescribing.Remove("prescriptions");
            prescribing.Remove("lastDose");
        }

        if (!person.Bridging)
        {
            prescribing.Remove("bridgingPrescription");
        }

        if (!person.Naloxone)
        {
            prescribing.Remove("naloxone");
        }
    });

    private byte[] Engagement(Person person, string inReplyTo, string outcome, string date) => Examples.Variant(Examples.Engagement, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["occurredAt"] = At(clock.Now);
        j["event"]!["inReplyTo"] = inReplyTo;
        j["client"]!["nhsNumber"] = person.NhsNumber;
        j["client"]!["prisonNumber"] = person.PrisonNumber;
        j["engagement"]!["outcome"] = outcome;
        j["engagement"]!["date"] = date;
        j["engagement"]!.AsObject().Remove("nextAppointment");
    });

    private async Task<JsonNode> Submit(byte[] body, string sender = "HLI")
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text);
    }

    private static string Id(JsonNode accepted) => accepted["submissionId"]!.GetValue<string>();

    private static string MessageFor(JsonNode accepted, string recipient) =>
        accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();

    /// <summary>
    /// Moves the clock (once the work already due has been done), fires what fell due (the workers may get there first:
    /// either way once) and waits until nothing due is left pending and every push has been answered, so each delivery is
    /// recorded on the day the clock was moved to.
    /// </summary>
    private async Task Advance(DateTimeOffset at)
    {
        Assert.True(at >= clock.Now, $"the clock only moves forward ({at:O})");
        await Settled();
        clock.Now = at;
        await Settled();
    }

    // A push the worker claimed but left for later (more due for one agency than it pushes to at once) is taken again when
    // its claim's lease has run out on the gateway's clock: a push still queued after a second moves the clock on by a
    // lease (the push timeout of 2 s and 30 s), minutes at most, never across a midnight (every step is between 07:00 and 15:00).
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(33);

    private async Task Settled()
    {
        var deadline = DateTime.UtcNow + Patience;
        var nudge = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (Waiting(clock.Now) is { } waiting)
        {
            Assert.True(DateTime.UtcNow < deadline, $"at {clock.Now:O} still waiting for {waiting}");
            if (waiting is OutboxLine && DateTime.UtcNow > nudge)
            {
                clock.Now += Lease;
                nudge = DateTime.UtcNow + TimeSpan.FromSeconds(1);
            }

            await Task.Delay(50);
        }
    }

    // What is due by now and not done, or a push not yet answered; null when there is none.
    private object? Waiting(DateTimeOffset now)
    {
        Gateway.Service<ReleaseReminders>().RunDue();
        Gateway.Service<EscalationAlerts>().RunDue();
        return Gateway.Outbox.Schedule().FirstOrDefault(e => e.Status == ScheduleStatus.Pending && e.DueAt <= now)
            ?? Gateway.Outbox.Store.Snapshot(tx => tx.Escalations.List()).FirstOrDefault(e => e.Status == EscalationStatus.Pending && e.DueAt <= now)
            ?? (object?)Gateway.Outbox.List(null, 10_000).FirstOrDefault(m => m.Channel == "push" && m.Status == MessageStatus.Queued);
    }

    private async Task<JsonNode> Notice(DateTimeOffset at, Person person)
    {
        await Advance(at);
        return await Submit(Record(EventTypes.ReleaseNotice, person));
    }

    private async Task<JsonNode> Release(Person person)
    {
        await Advance(DateTimeOffset.Parse(person.ReleaseDate + "T07:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture));
        return await Submit(Record(EventTypes.Release, person));
    }

    private async Task GpAccepts(DateTimeOffset at, JsonNode record)
    {
        await Advance(at);
        using var gp = Gateway.Client("B86030");
        var body = new JsonObject { ["outcome"] = ResponseOutcomes.Accepted, ["by"] = new JsonObject { ["name"] = "Dr A Khan", ["role"] = "GP" } };
        var response = await gp.RespondAsync(MessageFor(record, "B86030"), Encoding.UTF8.GetBytes(body.ToJsonString()));
        Assert.True(response.Status == HttpStatusCode.OK, response.Text);
    }

    /// <summary>The GP and the community provider fetch every mailbox message of the record still waiting for them.</summary>
    private async Task FetchAll(DateTimeOffset at, JsonNode record)
    {
        await Advance(at);
        var waiting = Gateway.Outbox.List(null, 10_000).Where(m => m.SubmissionId == Id(record) && m.Channel == "mailbox" && m.Status == MessageStatus.Queued).ToList();
        Assert.Contains(waiting, m => m.Recipient == "B86030");
        foreach (var message in waiting)
        {
            using var client = Gateway.Client(message.Recipient);
            var fetched = await client.FetchAsync(message.MessageId);
            Assert.True(fetched.IsSuccess, fetched.Text);
        }

        Assert.DoesNotContain(Gateway.Outbox.List(null, 10_000), m => m.SubmissionId == Id(record) && m.Status is not (MessageStatus.Delivered or MessageStatus.Acknowledged));
    }

    [Fact]
    public async Task Every_figure_of_a_month_sent_through_the_gateway_matches_the_hand_calculation()
    {
        var p2Notice = await Notice(On(1, 20, 10), P2);
        await GpAccepts(On(1, 21, 10), p2Notice);
        var p1Notice = await Notice(On(1, 25, 10), P1);
        await GpAccepts(On(1, 26, 10), p1Notice);
        var p6Notice = await Notice(On(2, 1, 10), P6);
        var p3Notice = await Notice(On(2, 15, 10), P3);
        var p7Notice = await Notice(On(2, 22, 10), P7);
        var p4Notice = await Notice(On(3, 1, 10), P4);
        await GpAccepts(On(3, 2, 10), p4Notice);

        await FetchAll(On(3, 7, 15), p1Notice);
        var p1 = await Release(P1);
        await FetchAll(On(3, 9, 15), p2Notice);
        var p2 = await Release(P2);
        await FetchAll(On(3, 10, 15), p3Notice);
        var p3 = await Release(P3);
        var p5Notice = await Notice(On(3, 12, 10), P5);
        var p4 = await Release(P4);
        var p5 = await Release(P5);
        await FetchAll(On(3, 17, 8), p5Notice);
        await FetchAll(On(3, 18, 15), p6Notice);
        await Release(P6);
        await GpAccepts(On(3, 22, 11), p7Notice);
        await FetchAll(On(3, 22, 15), p7Notice);
        var p7 = await Release(P7);

        await Advance(new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        await Submit(Engagement(P1, MessageFor(p1, "CJIT-LEEDS"), EngagementOutcomes.Attended, "2027-03-09"), "CJIT-LEEDS");
        await Submit(Engagement(P2, MessageFor(p2, "CJIT-LEEDS"), EngagementOutcomes.Engaged, "2027-03-31"), "CJIT-LEEDS");
        await Submit(Engagement(P3, MessageFor(p3, "CJIT-LEEDS"), EngagementOutcomes.Attended, "2027-04-02"), "CJIT-LEEDS");
        await Submit(Engagement(P4, MessageFor(p4, "CJIT-LEEDS"), EngagementOutcomes.DidNotAttend, "2027-03-16"), "CJIT-LEEDS");
        await Submit(Engagement(P5, MessageFor(p5, "CJIT-LEEDS"), EngagementOutcomes.Engaged, "2027-03-20"), "CJIT-LEEDS");
        await Submit(Engagement(P7, MessageFor(p7, "CJIT-LEEDS"), EngagementOutcomes.Attended, "2027-03-24"), "CJIT-LEEDS");
        await Advance(clock.Now);
        Assert.Empty(Gateway.Outbox.Schedule(overdueOnly: true));
        Assert.DoesNotContain(Gateway.Outbox.List(null, 10_000), m => m.Status == MessageStatus.DeadLetter);
        await Gateway.StopKeepingDataAsync();

        var (exit, output) = CrashTests.Exg(["report", "continuity", "--data", Gateway.Data, "--from", "2027-03-01", "--to", "2027-03-31", "--format", "json"]);

        Assert.True(exit == 0, output);
        var report = GatewayUnderTest.Json(output);
        Assert.Equal(("2027-03-01", "2027-03-31"), (report["from"]!.GetValue<string>(), report["to"]!.GetValue<string>()));
        var row = Assert.Single(report["rows"]!.AsArray())!;
        Assert.Equal(
            """{"prison":"HLI","cjitArea":"CJIT-LEEDS","month":"2027-03","releases":7,"noticeLeadDaysMedian":29,"noticeSixWeeksShare":null,"deliveredBeforeReleaseShare":0.714,"acceptedByGpBeforeReleaseShare":null,"bridgingShare":0.833,"naloxoneShare":0.857,"firstAppointmentShare":null,"engagedWithin21DaysShare":null,"overdueReleases":0}""",
            row.ToJsonString(AsWritten));
    }
}
