namespace ExchangeGateway.Domain.Tests;

public class ReleaseTimelineTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    private static Dictionary<string, DateTimeOffset> ByKind(IEnumerable<ReleaseMilestone> milestones) => milestones.ToDictionary(m => m.Kind, m => m.DueAt);

    [Fact]
    public void A_release_in_winter_is_reminded_at_nine_GMT_two_days_before_and_on_the_day_and_checked_at_noon()
    {
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 12, 10), London));

        Assert.Equal(Utc(2026, 12, 8, 9), due[ReleaseMilestoneKinds.TwoDaysBefore]);
        Assert.Equal(Utc(2026, 12, 10, 9), due[ReleaseMilestoneKinds.DayOf]);
        Assert.Equal(Utc(2026, 12, 10, 12), due[ReleaseMilestoneKinds.OverdueCheck]);
        Assert.All(due.Values, d => Assert.Equal(TimeSpan.Zero, d.Offset));
    }

    [Fact]
    public void A_release_in_summer_is_reminded_at_nine_BST_which_is_eight_UTC()
    {
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 6, 10), London));

        Assert.Equal(Utc(2026, 6, 8, 8), due[ReleaseMilestoneKinds.TwoDaysBefore]);
        Assert.Equal(Utc(2026, 6, 10, 8), due[ReleaseMilestoneKinds.DayOf]);
        Assert.Equal(Utc(2026, 6, 10, 11), due[ReleaseMilestoneKinds.OverdueCheck]);
        Assert.All(due.Values, d => Assert.Equal(TimeSpan.FromHours(1), d.Offset));
    }

    [Fact]
    public void Reminders_either_side_of_the_clocks_going_forward_are_both_at_nine_local()
    {
        // The clocks go forward at 01:00 UTC on Sunday 29 March 2026; the 2-day reminder of a Tuesday release falls on that
        // Sunday and moves to Friday 27 March, in GMT.
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 3, 31), London));

        Assert.Equal(Utc(2026, 3, 27, 9), due[ReleaseMilestoneKinds.TwoDaysBefore]);
        Assert.Equal(Utc(2026, 3, 31, 8), due[ReleaseMilestoneKinds.DayOf]);
    }

    [Fact]
    public void Reminders_either_side_of_the_clocks_going_back_are_both_at_nine_local()
    {
        // The clocks go back at 01:00 UTC on Sunday 25 October 2026; the 2-day reminder of a Tuesday release falls on that
        // Sunday and moves to Friday 23 October, in BST.
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 10, 27), London));

        Assert.Equal(Utc(2026, 10, 23, 8), due[ReleaseMilestoneKinds.TwoDaysBefore]);
        Assert.Equal(Utc(2026, 10, 27, 9), due[ReleaseMilestoneKinds.DayOf]);
    }

    [Fact]
    public void The_milestones_come_in_due_order()
    {
        Assert.Equal(
            [ReleaseMilestoneKinds.TwoDaysBefore, ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck],
            ReleaseTimeline.All(new DateOnly(2026, 12, 10), London).Select(m => m.Kind));
    }

    [Fact]
    public void A_configured_reminder_time_is_used_for_both_reminders_but_not_for_the_noon_check()
    {
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 6, 10), London, new TimeOnly(7, 30)));

        Assert.Equal(Utc(2026, 6, 8, 6, 30), due[ReleaseMilestoneKinds.TwoDaysBefore]);
        Assert.Equal(Utc(2026, 6, 10, 6, 30), due[ReleaseMilestoneKinds.DayOf]);
        Assert.Equal(Utc(2026, 6, 10, 11), due[ReleaseMilestoneKinds.OverdueCheck]);
    }

    [Fact]
    public void A_notice_well_ahead_gets_every_milestone()
    {
        Assert.Equal(3, ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 11, 1, 10), London).Count);
    }

    [Fact]
    public void A_notice_on_the_day_before_gets_no_two_days_reminder_but_keeps_the_day_of_reminder_and_the_check()
    {
        var due = ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 9, 16), London);

        Assert.Equal([ReleaseMilestoneKinds.DayOf, ReleaseMilestoneKinds.OverdueCheck], due.Select(m => m.Kind));
    }

    [Fact]
    public void A_notice_two_days_before_but_after_nine_gets_no_two_days_reminder()
    {
        var before = ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 8, 8, 59), London);
        var after = ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 8, 9, 1), London);

        Assert.Contains(before, m => m.Kind == ReleaseMilestoneKinds.TwoDaysBefore);
        Assert.DoesNotContain(after, m => m.Kind == ReleaseMilestoneKinds.TwoDaysBefore);
    }

    [Fact]
    public void A_milestone_due_exactly_now_is_still_created()
    {
        var due = ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 8, 9), London);

        Assert.Contains(due, m => m.Kind == ReleaseMilestoneKinds.TwoDaysBefore);
    }

    [Fact]
    public void A_notice_on_the_morning_of_the_release_gets_only_the_noon_check_and_one_after_noon_gets_nothing()
    {
        Assert.Equal([ReleaseMilestoneKinds.OverdueCheck], ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 10, 10), London).Select(m => m.Kind));
        Assert.Empty(ReleaseTimeline.From(new DateOnly(2026, 12, 10), Utc(2026, 12, 10, 12, 30), London));
    }

    [Fact]
    public void A_local_time_the_clocks_skip_is_taken_as_the_same_time_after_the_jump()
    {
        // 01:30 on 29 March 2026 does not exist in London; 02:30 BST is 01:30 UTC.
        Assert.Equal(Utc(2026, 3, 29, 1, 30), ReleaseTimeline.Instant(new DateOnly(2026, 3, 29), new TimeOnly(1, 30), London));
    }

    [Fact]
    public void A_local_time_that_happens_twice_is_taken_at_its_first_occurrence()
    {
        // 01:30 on 25 October 2026 happens in BST (00:30 UTC) and again in GMT (01:30 UTC).
        Assert.Equal(Utc(2026, 10, 25, 0, 30), ReleaseTimeline.Instant(new DateOnly(2026, 10, 25), new TimeOnly(1, 30), London));
    }

    [Fact]
    public void The_local_date_late_on_a_summer_evening_is_already_the_next_day()
    {
        Assert.Equal(new DateOnly(2026, 6, 11), ReleaseTimeline.LocalDate(Utc(2026, 6, 10, 23, 30), London));
        Assert.Equal(new DateOnly(2026, 12, 10), ReleaseTimeline.LocalDate(Utc(2026, 12, 10, 23, 30), London));
    }

    [Fact]
    public void Only_the_two_reminders_are_reminders()
    {
        Assert.True(ReleaseMilestoneKinds.IsReminder(ReleaseMilestoneKinds.TwoDaysBefore));
        Assert.True(ReleaseMilestoneKinds.IsReminder(ReleaseMilestoneKinds.DayOf));
        Assert.False(ReleaseMilestoneKinds.IsReminder(ReleaseMilestoneKinds.OverdueCheck));
    }

    [Fact]
    public void Reminders_for_a_release_on_the_Boxing_Day_substitute_holiday_move_to_Christmas_Eve()
    {
        // Monday 28 December 2026 is the substitute bank holiday for Boxing Day; Friday 25 December is Christmas Day.
        var due = ByKind(ReleaseTimeline.All(new DateOnly(2026, 12, 28), London));

        // The 2-day reminder (Saturday 26th) and the day-of one both land on Thursday 24th: the notice goes once, as the day-of one.
        Assert.False(due.ContainsKey(ReleaseMilestoneKinds.TwoDaysBefore));
        Assert.Equal(Utc(2026, 12, 24, 9), due[ReleaseMilestoneKinds.DayOf]);
        Assert.Equal(Utc(2026, 12, 28, 12), due[ReleaseMilestoneKinds.OverdueCheck]);
    }

    [Fact]
    public void A_notice_on_Saturday_for_a_Sunday_release_gets_its_day_of_reminder_at_once()
    {
        // Release Sunday 13 December 2026: both reminders move to Friday 11th, already past on Saturday 12th.
        var now = Utc(2026, 12, 12, 10);

        var due = ByKind(ReleaseTimeline.From(new DateOnly(2026, 12, 13), now, London));

        Assert.Equal(now, due[ReleaseMilestoneKinds.DayOf]);
        Assert.False(due.ContainsKey(ReleaseMilestoneKinds.TwoDaysBefore));
    }

    [Fact]
    public void The_prompts_fall_six_weeks_and_three_working_days_before_on_working_days()
    {
        var prompts = ReleaseTimeline.Prompts(new DateOnly(2026, 12, 28), Utc(2026, 10, 1, 10), London, null, noticeSent: false, "HLI").ToDictionary(m => m.Kind);

        // 42 days before 28 December is Monday 16 November; three working days before is Tuesday 22 December (24, 23, 22).
        Assert.Equal(Utc(2026, 11, 16, 9), prompts[ReleaseMilestoneKinds.SixWeeksPrompt].DueAt);
        Assert.Equal(Utc(2026, 12, 22, 9), prompts[ReleaseMilestoneKinds.ConfirmPlanPrompt].DueAt);
        Assert.All(prompts.Values, p => Assert.Equal(["HLI"], p.Recipients!));
    }

    [Fact]
    public void A_date_learned_under_six_weeks_ahead_prompts_at_once_and_a_notice_needs_no_six_week_prompt()
    {
        var now = Utc(2026, 12, 1, 10);

        var learned = ReleaseTimeline.Prompts(new DateOnly(2026, 12, 28), now, London, null, noticeSent: false, "HLI").ToDictionary(m => m.Kind);
        var noticed = ReleaseTimeline.Prompts(new DateOnly(2026, 12, 28), now, London, null, noticeSent: true, "HLI");

        Assert.Equal(now, learned[ReleaseMilestoneKinds.SixWeeksPrompt].DueAt);
        Assert.Equal([ReleaseMilestoneKinds.ConfirmPlanPrompt], noticed.Select(m => m.Kind));
        Assert.Empty(ReleaseTimeline.Prompts(new DateOnly(2026, 12, 1), now, London, null, noticeSent: false, "HLI"));
    }
}
