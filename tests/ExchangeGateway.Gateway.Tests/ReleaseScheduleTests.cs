using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Cli;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A clock the test moves by hand; the gateway's workers read it from their own threads.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref ticks, value.UtcTicks);
    }

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The release schedule in the running gateway, driven by a hand-moved clock: every transition, and a restart between them.</summary>
public sealed class ReleaseScheduleTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly string[] ReleaseRecipients = ["CJIT-LEEDS", "CTP-FWDLEEDS", "B86030"];

    // A Thursday release in British Summer Time: 09:00 local is 08:00 UTC, noon is 11:00 UTC.
    private static readonly DateTimeOffset TwoDaysBefore = new(2027, 6, 8, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DayOf = new(2027, 6, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Noon = new(2027, 6, 10, 11, 0, 0, TimeSpan.Zero);

    // Monday 7 June 2027, 10:00 BST (inside the development certificates' validity).
    private readonly ManualClock clock = new(new DateTimeOffset(2027, 6, 7, 9, 0, 0, TimeSpan.Zero));

    private protected override Task<GatewayUnderTest> StartGatewayAsync() => Start();

    private Task<GatewayUnderTest> Start(string? folder = null, params string[] settings) =>
        GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(settings), s => s.AddSingleton<TimeProvider>(clock), folder);

    private static string At(DateTimeOffset instant) => instant.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    private byte[] Body(string eventType, string releaseDate, Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"] = new JsonObject { ["type"] = eventType, ["occurredAt"] = At(clock.Now), ["from"] = "HLI", ["plannedRelease"] = true };
        j["dir"]!["custody"]!["expectedReleaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["releaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["firstAppointment"] = releaseDate + "T14:00:00+01:00";
        change?.Invoke(j);
    });

    private byte[] Notice(string releaseDate = "2027-06-10", Action<JsonObject>? change = null) => Body(EventTypes.ReleaseNotice, releaseDate, change);

    private async Task<string> Submit(byte[] body, string sender = "HLI")
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text)["submissionId"]!.GetValue<string>();
    }

    // The worker's own loop may get to a due entry first; either way it fires once, so the tests look at the outcome.
    private void Advance(DateTimeOffset at)
    {
        clock.Now = at;
        Gateway.Service<ReleaseReminders>().RunDue();
    }

    private string[] Statuses(string submissionId) => [.. Entries(submissionId).Values.Select(e => e.Status)];

    // The reminders and the overdue check; the prompts to the prison the same notice schedules have tests of their own (ReleasePathwayTests).
    private Dictionary<string, ScheduleEntry> Entries(string submissionId) =>
        Gateway.Outbox.Schedule().Where(e => e.SubmissionId == submissionId && !ReleaseMilestoneKinds.IsPrompt(e.Kind)).ToDictionary(e => e.Kind);

    // The notice's own messages and reminders; the escalations and prompts the same notice raises have tests of their own.
    private List<OutboxLine> Messages(string submissionId) =>
        [.. Gateway.Outbox.List(null, 1000).Where(m => m.SubmissionId == submissionId && m.EventType is not (EscalationAlerts.AlertEventType or ReleaseReminders.PromptEventType))];

    private List<(string MessageId, byte[] Body)> Pushed(string agency) =>
        [.. Agencies.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency).Select(e => (e.RequestMessage.Headers!["X-Message-Id"].ToString(), e.RequestMessage.BodyAsBytes!))];

    // Opened as of the test's clock: the packages are signed at the clock's time.
    private string Open(byte[] package, string agency) =>
        Encoding.UTF8.GetString(new PackageOpener(RecipientIdentity.Load(GatewayUnderTest.Certs, agency), TrustStore.Load(GatewayUnderTest.Certs), clock).Open(package).Content);

    private static string DocumentType(string bundleJson) =>
        GatewayUnderTest.Json(bundleJson)["entry"]![0]!["resource"]!["type"]!["coding"]![0]!["code"]!.GetValue<string>();

    [Fact]
    public async Task A_release_notice_schedules_both_reminders_and_the_overdue_check_at_local_times()
    {
        var id = await Submit(Notice());

        var entries = Entries(id);
        Assert.Equal(TwoDaysBefore, entries[ReleaseMilestoneKinds.TwoDaysBefore].DueAt);
        Assert.Equal(DayOf, entries[ReleaseMilestoneKinds.DayOf].DueAt);
        Assert.Equal(Noon, entries[ReleaseMilestoneKinds.OverdueCheck].DueAt);
        Assert.All(entries.Values, e =>
        {
            Assert.Equal(ScheduleStatus.Pending, e.Status);
            Assert.Equal(ReleaseRecipients, e.Recipients);
            Assert.Equal(new DateOnly(2027, 6, 10), e.ReleaseDate);
            Assert.StartsWith("nhs:", e.PersonKeys[0], StringComparison.Ordinal);
            Assert.DoesNotContain(e.PersonKeys, k => k.Contains("9434765919", StringComparison.Ordinal) || k.Contains("A1234BC", StringComparison.Ordinal));
        });
        Advance(TwoDaysBefore.AddMinutes(-1));
        Assert.All(Statuses(id), s => Assert.Equal(ScheduleStatus.Pending, s));
    }

    [Fact]
    public async Task The_reminder_time_and_zone_come_from_the_configuration()
    {
        await Gateway.DisposeAsync();
        Gateway = await Start(null, "--Gateway:ReminderTime", "07:30", "--Gateway:TimeZone", "America/New_York");

        var entries = Entries(await Submit(Notice()));

        // 07:30 and noon in New York summer time (UTC-4).
        Assert.Equal(new DateTimeOffset(2027, 6, 8, 11, 30, 0, TimeSpan.Zero), entries[ReleaseMilestoneKinds.TwoDaysBefore].DueAt);
        Assert.Equal(new DateTimeOffset(2027, 6, 10, 16, 0, 0, TimeSpan.Zero), entries[ReleaseMilestoneKinds.OverdueCheck].DueAt);
    }

    [Fact]
    public async Task A_time_zone_the_system_does_not_know_stops_the_gateway_at_start()
    {
        var folder = Directory.CreateTempSubdirectory("exg-gateway-test-").FullName;
        try
        {
            var refused = await Assert.ThrowsAsync<GatewayConfigurationException>(() => Start(folder, "--Gateway:TimeZone", "Mars/Olympus_Mons"));
            Assert.Contains("Mars/Olympus_Mons", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_planned_release_sent_ahead_with_a_future_date_schedules_like_a_notice()
    {
        var id = await Submit(Body(EventTypes.Release, "2027-06-10"));

        Assert.Equal([ReleaseMilestoneKinds.TwoDaysBefore, ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], Entries(id).Keys);
    }

    [Fact]
    public async Task A_notice_the_day_before_gets_no_two_days_reminder_but_keeps_the_day_of_reminder()
    {
        clock.Now = new DateTimeOffset(2027, 6, 9, 14, 0, 0, TimeSpan.Zero);
        var id = await Submit(Notice());

        Assert.Equal([ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], Entries(id).Keys);
    }

    [Fact]
    public async Task A_newer_notice_for_the_same_person_moves_the_pending_entries()
    {
        var first = await Submit(Notice());

        // The same person known by prison number only: matched on any of their keys.
        var second = await Submit(Notice("2027-06-17", j => j["dir"]!["client"]!.AsObject().Remove("nhsNumber")));

        Assert.All(Entries(first).Values, e => Assert.Equal(ScheduleStatus.Moved, e.Status));
        var moved = Entries(second);
        Assert.All(moved.Values, e => Assert.Equal(ScheduleStatus.Pending, e.Status));
        Assert.Equal(new DateTimeOffset(2027, 6, 15, 8, 0, 0, TimeSpan.Zero), moved[ReleaseMilestoneKinds.TwoDaysBefore].DueAt);
        Advance(Noon);
        Assert.All(Statuses(second), s => Assert.Equal(ScheduleStatus.Pending, s));
        Advance(new DateTimeOffset(2027, 6, 15, 8, 0, 0, TimeSpan.Zero));
        Assert.Equal(ScheduleStatus.Done, Entries(second)[ReleaseMilestoneKinds.TwoDaysBefore].Status);
    }

    [Fact]
    public async Task A_release_cancels_the_pending_reminders_and_the_overdue_check()
    {
        var notice = await Submit(Notice());
        Advance(TwoDaysBefore);

        clock.Now = DayOf.AddMinutes(-30);
        await Submit(Body(EventTypes.Release, "2027-06-10"));

        var entries = Entries(notice);
        Assert.Equal(ScheduleStatus.Done, entries[ReleaseMilestoneKinds.TwoDaysBefore].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.DayOf].Status);
        Assert.Equal(ScheduleStatus.Cancelled, entries[ReleaseMilestoneKinds.OverdueCheck].Status);
        var before = Messages(notice).Count;
        Advance(Noon.AddHours(1));
        Assert.Equal(before, Messages(notice).Count);
        Assert.Empty(Gateway.Outbox.Schedule(overdueOnly: true));
    }

    [Fact]
    public async Task A_due_reminder_is_sealed_again_for_each_release_recipient_and_delivered_or_mailboxed_like_any_message()
    {
        var notice = await Submit(Notice());
        var original = Messages(notice).Select(m => m.MessageId).ToHashSet();

        Advance(TwoDaysBefore);

        var reminders = Messages(notice).Where(m => !original.Contains(m.MessageId)).ToDictionary(m => m.Recipient);
        Assert.Equal(ReleaseRecipients.Order(), reminders.Keys.Order());
        Assert.Equal("push", reminders["CJIT-LEEDS"].Channel);
        Assert.Equal("mailbox", reminders["B86030"].Channel);
        Assert.Equal("mailbox", reminders["CTP-FWDLEEDS"].Channel);
        var entry = Entries(notice)[ReleaseMilestoneKinds.TwoDaysBefore];
        Assert.Equal(ScheduleStatus.Done, entry.Status);
        Assert.Equal("sent to CJIT-LEEDS, CTP-FWDLEEDS, B86030", entry.Detail);

        var cjitId = reminders["CJIT-LEEDS"].MessageId;
        await GatewayUnderTest.Eventually(() => Gateway.Outbox.List("delivered", 100).Any(m => m.MessageId == cjitId), Patience, "the CJIT reminder's push");
        var cjitDocument = Open(Pushed("CJIT-LEEDS").Single(p => p.MessageId == cjitId).Body, "CJIT-LEEDS");
        Assert.Equal("release-notice", DocumentType(cjitDocument));
        Assert.DoesNotContain("bbv-status", cjitDocument, StringComparison.Ordinal);

        using var gp = Gateway.Client("B86030");
        var gpId = reminders["B86030"].MessageId;
        Assert.Contains(GatewayUnderTest.Json((await gp.MailboxAsync()).Text)["messages"]!.AsArray(), m => m!["messageId"]!.GetValue<string>() == gpId);
        var fetched = await gp.FetchAsync(gpId);
        Assert.True(fetched.IsSuccess, fetched.Text);
        var gpDocument = Open(fetched.Body, "B86030");
        Assert.Equal("release-notice", DocumentType(gpDocument));
        Assert.Contains("bbv-status", gpDocument, StringComparison.Ordinal);
        Assert.True((await gp.AcknowledgeAsync(gpId)).IsSuccess);
        Assert.True(Gateway.Outbox.Totals().Balances);
    }

    [Fact]
    public async Task A_release_notified_in_good_time_is_not_flagged_late_on_the_day_but_a_release_first_heard_of_on_the_day_is()
    {
        await Submit(Notice());
        clock.Now = DayOf.AddHours(1);
        var noticed = await Submit(Body(EventTypes.Release, "2027-06-10"));
        var unannounced = await Submit(Body(EventTypes.Release, "2027-06-10", j =>
        {
            j["dir"]!["client"]!["nhsNumber"] = "9000000009";
            j["dir"]!["client"]!["prisonNumber"] = "B5678CD";
        }));

        Assert.DoesNotContain(SafetyFlags.LateNotice, await CjitDocument(noticed), StringComparison.Ordinal);
        Assert.Contains(SafetyFlags.LateNotice, await CjitDocument(unannounced), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_notice_moved_to_a_date_less_than_2_days_away_is_flagged_late_in_its_reminder()
    {
        await Submit(Notice("2027-06-17"));
        clock.Now = TwoDaysBefore.AddHours(1);
        var moved = await Submit(Notice("2027-06-09"));
        Assert.Contains(SafetyFlags.LateNotice, await CjitDocument(moved), StringComparison.Ordinal);

        var first = Messages(moved).Select(m => m.MessageId).ToHashSet();
        Advance(new DateTimeOffset(2027, 6, 9, 8, 0, 0, TimeSpan.Zero));
        var reminder = Messages(moved).Single(m => m.Recipient == "CJIT-LEEDS" && !first.Contains(m.MessageId)).MessageId;
        Assert.Contains(SafetyFlags.LateNotice, await CjitDocument(moved, reminder), StringComparison.Ordinal);
    }

    // The CJIT's copy of a submission (its first message, or the one named), once pushed.
    private async Task<string> CjitDocument(string submissionId, string? messageId = null)
    {
        messageId ??= Messages(submissionId).First(m => m.Recipient == "CJIT-LEEDS").MessageId;
        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS").Any(p => p.MessageId == messageId), Patience, "the CJIT copy's push");
        return Open(Pushed("CJIT-LEEDS").First(p => p.MessageId == messageId).Body, "CJIT-LEEDS");
    }

    [Fact]
    public async Task No_release_by_noon_seals_an_overdue_alert_to_the_CJIT_and_lists_it_as_overdue()
    {
        var notice = await Submit(Notice());
        Advance(TwoDaysBefore);
        Advance(DayOf);
        var beforeNoon = Messages(notice).Select(m => m.MessageId).ToHashSet();
        Advance(Noon.AddMinutes(-1));
        Assert.Equal([ScheduleStatus.Done, ScheduleStatus.Done, ScheduleStatus.Pending], Statuses(notice));

        Advance(Noon);

        var alert = Assert.Single(Messages(notice), m => !beforeNoon.Contains(m.MessageId));
        Assert.Equal("CJIT-LEEDS", alert.Recipient);
        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS").Any(p => p.MessageId == alert.MessageId), Patience, "the overdue alert's push");
        var document = Open(Pushed("CJIT-LEEDS").First(p => p.MessageId == alert.MessageId).Body, "CJIT-LEEDS");
        Assert.Equal("overdue-release-alert", DocumentType(document));
        var issues = DocumentValidator.Embedded.ValidateJson(document);
        Assert.True(issues.Count == 0, string.Join("\n", issues));

        var check = Entries(notice)[ReleaseMilestoneKinds.OverdueCheck];
        Assert.Equal(ScheduleStatus.Overdue, check.Status);
        Assert.Equal("no release by 12:00 on 2027-06-10; alert sent to CJIT-LEEDS", check.Detail);

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ExgCommandLine.Run(["schedule", "list", "--data", Gateway.Data, "--overdue", "--json"], output, error));
        var listed = Assert.Single(GatewayUnderTest.Json(output.ToString())["entries"]!.AsArray())!;
        Assert.Equal(("overdue-check", "overdue", "2027-06-10T11:00:00.000+00:00"), (listed["kind"]!.GetValue<string>(), listed["status"]!.GetValue<string>(), listed["dueAt"]!.GetValue<string>()));
        Assert.Equal(check.PersonKeys[0], listed["personKey"]!.GetValue<string>());
        Assert.Equal(ReleaseRecipients, listed["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task A_release_after_the_overdue_alert_leaves_it_listed_as_overdue()
    {
        var notice = await Submit(Notice());
        Advance(Noon);
        Assert.Equal([ScheduleStatus.Done, ScheduleStatus.Done, ScheduleStatus.Overdue], Statuses(notice));

        clock.Now = Noon.AddHours(2);
        await Submit(Body(EventTypes.Release, "2027-06-10"));

        Assert.Equal(ScheduleStatus.Overdue, Entries(notice)[ReleaseMilestoneKinds.OverdueCheck].Status);
    }

    [Fact]
    public async Task A_restart_between_scheduling_and_due_time_still_fires_every_entry_once()
    {
        var notice = await Submit(Notice());
        var folder = Gateway.Folder;
        await Gateway.StopKeepingDataAsync();

        Gateway = await Start(folder);

        Advance(TwoDaysBefore);
        Advance(DayOf);
        var beforeNoon = Messages(notice).Select(m => m.MessageId).ToHashSet();
        Advance(Noon);
        Advance(Noon.AddHours(1));
        Assert.Equal([ScheduleStatus.Done, ScheduleStatus.Done, ScheduleStatus.Overdue], Statuses(notice));

        // The notice's three messages, three per reminder, and the alert.
        Assert.Equal(10, Messages(notice).Count);
        var alert = Assert.Single(Messages(notice), m => !beforeNoon.Contains(m.MessageId));
        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS").Any(p => p.MessageId == alert.MessageId), Patience, "the overdue alert's push after the restart");
        Assert.Equal(ScheduleStatus.Overdue, Entries(notice)[ReleaseMilestoneKinds.OverdueCheck].Status);
    }

    [Fact]
    public async Task A_withdrawal_after_the_notice_stops_the_reminders_from_sharing_anything()
    {
        var notice = await Submit(Notice());
        var before = Messages(notice).Count;
        await Submit(Body(EventTypes.Reception, "2027-06-10", j =>
        {
            j["event"]!["from"] = "BMI";
            j["event"]!.AsObject().Remove("plannedRelease");
            j["dir"]!["consent"]!["withdrawnAt"] = At(clock.Now.AddMinutes(-5));
        }), "BMI");

        Advance(TwoDaysBefore);

        Assert.Equal(before, Messages(notice).Count);
        var entry = Entries(notice)[ReleaseMilestoneKinds.TwoDaysBefore];
        Assert.Equal(ScheduleStatus.Done, entry.Status);
        Assert.StartsWith("withheld from CJIT-LEEDS (withdrawn)", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_record_that_drops_a_recipient_type_stops_the_reminders_to_that_type()
    {
        var notice = await Submit(Notice());
        var before = Messages(notice).Select(m => m.MessageId).ToHashSet();
        await Submit(Body(EventTypes.Reception, "2027-06-10", j =>
        {
            j["event"]!["from"] = "BMI";
            j["event"]!.AsObject().Remove("plannedRelease");
            j["dir"]!["consent"]!["shareWith"] = new System.Text.Json.Nodes.JsonArray("prison", "gp", "community-treatment");
        }), "BMI");

        Advance(TwoDaysBefore);

        var entry = Entries(notice)[ReleaseMilestoneKinds.TwoDaysBefore];
        Assert.Equal(ScheduleStatus.Done, entry.Status);
        Assert.Contains("withheld from CJIT-LEEDS (withdrawn)", entry.Detail, StringComparison.Ordinal);
        var reminders = Messages(notice).Where(m => !before.Contains(m.MessageId)).ToList();
        Assert.DoesNotContain(reminders, m => m.Recipient == "CJIT-LEEDS");
        Assert.Contains(reminders, m => m.Recipient == "B86030");
    }
}
