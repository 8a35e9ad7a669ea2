using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The release pathway's prompts and working-day moves in the running gateway on a hand-moved clock, with restarts between.</summary>
/// <remarks>The clock starts on Monday 1 November 2027, 10:00 GMT (inside the development certificates' validity).</remarks>
public sealed class ReleasePathwayTests() : GatewayOnAClock(new DateTimeOffset(2027, 11, 1, 10, 0, 0, TimeSpan.Zero))
{
    // A transfer from BMI to SFI naming an expected release date: SFI will release the person.
    private byte[] Transfer(string expected) => Examples.Variant(Examples.Transfer, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["occurredAt"] = At(Clock.Now);
        j["dir"]!["custody"] ??= new JsonObject();
        j["dir"]!["custody"]!["expectedReleaseDate"] = expected;
    });

    private byte[] Notice(string releaseDate, string from = "SFI", Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"] = new JsonObject { ["type"] = EventTypes.ReleaseNotice, ["occurredAt"] = At(Clock.Now), ["from"] = from };
        j["dir"]!["custody"]!["expectedReleaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["releaseDate"] = releaseDate;
        j["dir"]!["releasePlan"]!["firstAppointment"] = releaseDate + "T14:00:00+00:00";

        // About the person of the transfer example.
        j["dir"]!["client"] = Examples.Json(Examples.Transfer)["dir"]!["client"]!.DeepClone();
        j["dir"]!["client"]!["gpPractice"] = "B86030";
        change?.Invoke(j);
    });

    private async Task<string> SubmitId(byte[] body, string sender) => (await Submit(body, sender))["submissionId"]!.GetValue<string>();

    private void Advance(DateTimeOffset at)
    {
        Clock.Now = at;
        Gateway.Service<ReleaseReminders>().RunDue();
    }

    private List<ScheduleEntry> Prompts(string kind) => [.. Gateway.Outbox.Schedule().Where(e => e.Kind == kind)];

    [Fact]
    public async Task A_transfer_naming_an_expected_date_schedules_the_six_week_prompt_to_the_receiving_prison_and_a_notice_cancels_it()
    {
        // Release Tuesday 28 December 2027: 42 days before is Tuesday 16 November, 09:00 GMT.
        await SubmitId(Transfer("2027-12-28"), "BMI");
        var prompt = Assert.Single(Prompts(ReleaseMilestoneKinds.SixWeeksPrompt));
        Assert.Equal((new DateTimeOffset(2027, 11, 16, 9, 0, 0, TimeSpan.Zero), "SFI"), (prompt.DueAt, Assert.Single(prompt.Recipients)));
        await Restart();

        await SubmitId(Notice("2027-12-28"), "SFI");

        Assert.Equal(ScheduleStatus.Cancelled, Assert.Single(Prompts(ReleaseMilestoneKinds.SixWeeksPrompt)).Status);
        await Restart();
        Advance(new DateTimeOffset(2027, 11, 16, 9, 0, 0, TimeSpan.Zero));
        Assert.Empty(Pushed("SFI", ReleaseMilestoneKinds.SixWeeksPrompt));
    }

    [Fact]
    public async Task A_new_expected_date_moves_the_six_week_prompt_and_the_prompt_fires_once_across_a_restart()
    {
        await SubmitId(Transfer("2027-12-28"), "BMI");
        await Restart();
        await SubmitId(Transfer("2028-01-11"), "BMI");

        var prompts = Prompts(ReleaseMilestoneKinds.SixWeeksPrompt);
        Assert.Equal(ScheduleStatus.Moved, prompts.Single(p => p.ReleaseDate == new DateOnly(2027, 12, 28)).Status);
        var moved = prompts.Single(p => p.ReleaseDate == new DateOnly(2028, 1, 11));
        Assert.Equal(new DateTimeOffset(2027, 11, 30, 9, 0, 0, TimeSpan.Zero), moved.DueAt);
        await Restart();

        Advance(moved.DueAt);
        await Restart();
        Advance(moved.DueAt.AddHours(1));

        await GatewayUnderTest.Eventually(() => Pushed("SFI", ReleaseMilestoneKinds.SixWeeksPrompt).Count == 1, Patience, "the six-week prompt pushed to SFI");
        Assert.Contains("No release notice has been sent yet", Assert.Single(Pushed("SFI", ReleaseMilestoneKinds.SixWeeksPrompt)), StringComparison.Ordinal);
        Assert.Equal(ScheduleStatus.Done, Prompts(ReleaseMilestoneKinds.SixWeeksPrompt).Single(p => p.EntryId == moved.EntryId).Status);
    }

    [Fact]
    public async Task A_move_to_another_prison_hands_the_prompts_to_it_and_the_same_date_again_changes_nothing()
    {
        await SubmitId(Transfer("2027-12-28"), "BMI");
        await SubmitId(Transfer("2027-12-28"), "BMI");
        Assert.Single(Prompts(ReleaseMilestoneKinds.SixWeeksPrompt));

        await SubmitId(Examples.Variant(Examples.Transfer, j =>
        {
            j["submissionId"] = Guid.NewGuid().ToString();
            j["event"]!["occurredAt"] = At(Clock.Now);
            j["event"]!["from"] = "SFI";
            j["event"]!["to"] = "HLI";
            j["dir"]!["custody"] ??= new JsonObject();
            j["dir"]!["custody"]!["expectedReleaseDate"] = "2027-12-28";
        }), "SFI");

        var pending = Gateway.Outbox.Schedule().Where(e => ReleaseMilestoneKinds.IsPrompt(e.Kind) && e.Status == ScheduleStatus.Pending).ToList();
        Assert.Equal(2, pending.Count);
        Assert.All(pending, e => Assert.Equal(["HLI"], e.Recipients));
        Assert.All(Gateway.Outbox.Schedule().Where(e => e.Recipients.SequenceEqual(["SFI"])), e => Assert.Equal(ScheduleStatus.Moved, e.Status));
    }

    [Fact]
    public async Task The_confirm_plan_prompt_lists_exactly_what_the_latest_record_lacks()
    {
        await SubmitId(Notice("2027-12-28", change: j =>
        {
            j["prescribing"]!["naloxone"] = new JsonObject { ["issued"] = false };
            j["dir"]!["releasePlan"]!.AsObject().Remove("firstAppointment");
        }), "SFI");
        var prompt = Assert.Single(Prompts(ReleaseMilestoneKinds.ConfirmPlanPrompt));
        Assert.Equal(new DateTimeOffset(2027, 12, 22, 9, 0, 0, TimeSpan.Zero), prompt.DueAt);
        await Restart();

        Advance(prompt.DueAt);

        await GatewayUnderTest.Eventually(() => Pushed("SFI", ReleaseMilestoneKinds.ConfirmPlanPrompt).Count == 1, Patience, "the confirm-plan prompt");
        var text = Assert.Single(Pushed("SFI", ReleaseMilestoneKinds.ConfirmPlanPrompt));
        Assert.Contains("the latest record lacks first appointment, naloxone.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reminders_for_a_release_on_the_Boxing_Day_substitute_holiday_go_on_Christmas_Eve_and_the_day_of_one_says_so()
    {
        // Christmas Day 2027 is a Saturday: Monday 27 and Tuesday 28 December are the substitute bank holidays.
        var notice = await SubmitId(Notice("2027-12-28"), "SFI");
        var entries = Gateway.Outbox.Schedule().Where(e => e.SubmissionId == notice).ToDictionary(e => e.Kind);
        var christmasEve = new DateTimeOffset(2027, 12, 24, 9, 0, 0, TimeSpan.Zero);
        // The 2-day reminder (Sunday 26th) would land there too: the notice goes once, as the day-of reminder.
        Assert.False(entries.ContainsKey(ReleaseMilestoneKinds.TwoDaysBefore));
        Assert.Equal(christmasEve, entries[ReleaseMilestoneKinds.DayOf].DueAt);
        await Restart();

        Advance(christmasEve);

        await GatewayUnderTest.Eventually(() => Pushed("CJIT-LEEDS", ReleaseTimeline.ReminderSentEarlyFlag).Count == 1, Patience, "the day-of reminder saying it is early");
        Assert.Contains("which is not a working day", Assert.Single(Pushed("CJIT-LEEDS", ReleaseTimeline.ReminderSentEarlyFlag)), StringComparison.Ordinal);
    }
}
