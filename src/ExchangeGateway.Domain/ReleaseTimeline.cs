namespace ExchangeGateway.Domain;

/// <summary>The kinds of scheduled work a planned release creates; the strings are what the database and <c>exg schedule list</c> show.</summary>
public static class ReleaseMilestoneKinds
{
    /// <summary>The reminder two days before the release, at the reminder time.</summary>
    public const string TwoDaysBefore = "reminder-2-days";

    /// <summary>The reminder on the day of the release, at the reminder time.</summary>
    public const string DayOf = "reminder-day-of";

    /// <summary>The check, at noon on the planned day, that the prison has sent the <c>release</c>.</summary>
    public const string OverdueCheck = "overdue-check";

    /// <summary>The prompt to the releasing prison six weeks ahead when no release notice has been sent yet.</summary>
    public const string SixWeeksPrompt = "prompt-6-weeks";

    /// <summary>The prompt to the releasing prison three working days ahead, listing what the latest record's plan lacks.</summary>
    public const string ConfirmPlanPrompt = "prompt-confirm-plan";

    /// <summary>True for the two reminders (which re-send the notice), false for the overdue check and the prompts.</summary>
    public static bool IsReminder(string kind) => kind is TwoDaysBefore or DayOf;

    /// <summary>True for the two prompts to the releasing prison.</summary>
    public static bool IsPrompt(string kind) => kind is SixWeeksPrompt or ConfirmPlanPrompt;
}

/// <summary>One piece of scheduled work for a planned release, the instant it falls due, and who hears (null: the release recipients).</summary>
public sealed record ReleaseMilestone(string Kind, DateTimeOffset DueAt, IReadOnlyList<string>? Recipients = null);

/// <summary>
/// When the reminders and the overdue check of a planned release fall due (spec: community services ask to hear 2 days
/// before and on the day). Times are wall-clock times in the services' zone, so the instants move with summer time.
/// </summary>
public static class ReleaseTimeline
{
    /// <summary>The reminder time when none is configured.</summary>
    public static readonly TimeOnly DefaultReminderTime = new(9, 0);

    /// <summary>By this local time on the planned day the prison should have sent the <c>release</c>; after it the release is overdue.</summary>
    public static readonly TimeOnly OverdueCheckTime = new(12, 0);

    /// <summary>Days before the release of the first reminder.</summary>
    public const int ReminderDaysBefore = 2;

    /// <summary>The flag a day-of reminder carries when the release falls on a non-working day and the reminder goes the working day before.</summary>
    public const string ReminderSentEarlyFlag = "reminder-sent-early";

    /// <summary>The overdue-release alert's code in the safety-flag CodeSystem (not one of <see cref="SafetyFlags.Codes"/>: no submission raises it).</summary>
    public const string OverdueAlertFlag = "overdue-release-summary";

    /// <summary>Days before the release of the six-week prompt.</summary>
    public const int SixWeeksDays = 42;

    /// <summary>Working days before the release of the confirm-the-plan prompt.</summary>
    public const int ConfirmPlanWorkingDays = 3;

    /// <summary>
    /// Every milestone of a release on <paramref name="releaseDate"/>, in due order, whether past or not: two days before and
    /// on the day at <paramref name="reminderTime"/>, each moved to the last working day on or before it (a weekend or bank
    /// holiday has nobody to read it), and the overdue check at noon on the day itself, all local to <paramref name="zone"/>.
    /// </summary>
    public static IReadOnlyList<ReleaseMilestone> All(DateOnly releaseDate, TimeZoneInfo zone, TimeOnly? reminderTime = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var at = reminderTime ?? DefaultReminderTime;
        List<ReleaseMilestone> milestones =
        [
            new(ReleaseMilestoneKinds.TwoDaysBefore, Instant(WorkingDays.OnOrBefore(releaseDate.AddDays(-ReminderDaysBefore)), at, zone)),
            new(ReleaseMilestoneKinds.DayOf, Instant(WorkingDays.OnOrBefore(releaseDate), at, zone)),
            new(ReleaseMilestoneKinds.OverdueCheck, Instant(releaseDate, OverdueCheckTime, zone)),
        ];

        // Both reminders moved onto the same working day (a Sunday or Monday-holiday release) would send the notice twice at
        // once: the day-of one, which says it is early, is kept.
        if (milestones[0].DueAt == milestones[1].DueAt)
        {
            milestones.RemoveAt(0);
        }

        // A reminder time configured after noon would otherwise put the day-of reminder after the overdue check.
        return [.. milestones.OrderBy(m => m.DueAt)];
    }

    /// <summary>
    /// The milestones still to come at <paramref name="now"/> (due now or later). One already past is not created: a notice
    /// that arrives the day before the release gets no two-days-before reminder, but its day-of reminder and overdue check stand.
    /// </summary>
    public static IReadOnlyList<ReleaseMilestone> From(DateOnly releaseDate, DateTimeOffset now, TimeZoneInfo zone, TimeOnly? reminderTime = null) =>
        [.. All(releaseDate, zone, reminderTime)
            .Select(m => m.DueAt >= now || !MovedEarly(m, releaseDate, zone) || releaseDate < LocalDate(now, zone) ? m : m with { DueAt = now })
            .Where(m => m.DueAt >= now)];

    // A day-of reminder moved back off a non-working release day: a notice that arrives after the moved time (at the
    // weekend, for a Monday release) still gets it, at once, rather than none at all.
    private static bool MovedEarly(ReleaseMilestone milestone, DateOnly releaseDate, TimeZoneInfo zone) =>
        milestone.Kind == ReleaseMilestoneKinds.DayOf && LocalDate(milestone.DueAt, zone) != releaseDate;

    /// <summary>
    /// The prompts to <paramref name="releasingPrison"/> for a release on <paramref name="releaseDate"/> learned at
    /// <paramref name="now"/>: six weeks ahead when no notice has been sent (at once when the date is learned later than
    /// that), and three working days ahead to confirm the plan (at once when learned later), each on a working day at the
    /// reminder time. None once the release day has come.
    /// </summary>
    public static IReadOnlyList<ReleaseMilestone> Prompts(DateOnly releaseDate, DateTimeOffset now, TimeZoneInfo zone, TimeOnly? reminderTime, bool noticeSent, string releasingPrison)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (releaseDate <= LocalDate(now, zone))
        {
            return [];
        }

        var at = reminderTime ?? DefaultReminderTime;
        DateTimeOffset AtOrNow(DateOnly day) => Instant(day, at, zone) is var due && due > now ? due : now;
        var prompts = new List<ReleaseMilestone>();
        if (!noticeSent)
        {
            prompts.Add(new(ReleaseMilestoneKinds.SixWeeksPrompt, AtOrNow(WorkingDays.OnOrBefore(releaseDate.AddDays(-SixWeeksDays))), [releasingPrison]));
        }

        prompts.Add(new(ReleaseMilestoneKinds.ConfirmPlanPrompt, AtOrNow(WorkingDays.Before(releaseDate, ConfirmPlanWorkingDays)), [releasingPrison]));
        return prompts;
    }

    /// <summary>The local date at <paramref name="instant"/> in <paramref name="zone"/>: "today" for the services.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>
    /// The instant of a local wall-clock time in <paramref name="zone"/>. A time the clocks skip (spring forward) is taken as
    /// the same time after the jump, and a time that happens twice (fall back) as its first occurrence, so a reminder is
    /// neither lost nor sent twice.
    /// </summary>
    public static DateTimeOffset Instant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The gap is the difference between the offsets either side of it (an hour in Europe/London).
            var before = zone.GetUtcOffset(local.AddHours(-12));
            var after = zone.GetUtcOffset(local.AddHours(12));
            local += after - before;
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
