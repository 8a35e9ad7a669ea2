using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

/// <summary>How releases and what happened around them are counted from stored facts.</summary>
public sealed class ContinuityCountingTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly DateOnly Day = new(2026, 6, 15);

    // Midnight at the start of 15 June 2026 in London (BST) is 23:00 UTC on the 14th.
    private static readonly DateTimeOffset DayStart = new(2026, 6, 14, 23, 0, 0, TimeSpan.Zero);

    private static ReleaseFacts Facts(string type, DateOnly? date = null, string area = "CJIT-LEEDS", bool planned = true) =>
        new(type, "HLI", area, "B86030", date ?? Day, planned, OnOst: true, Bridging: true, OpioidUser: true, Naloxone: false, FirstAppointment: true);

    private static FactsRow Row(string id, DateTimeOffset at, ReleaseFacts facts, params string[] keys) =>
        new(id, keys.Length == 0 ? ["nhs:a", "prison:a"] : keys, at, facts, null);

    private static ContinuityCounts Single(params FactsRow[] rows) => Single(new ContinuityInputs(rows, [], [], []));

    private static ContinuityCounts Single(ContinuityInputs inputs) => Assert.Single(ContinuityCounting.Count(inputs, London));

    [Fact]
    public void Notices_alone_are_not_releases()
    {
        Assert.Empty(ContinuityCounting.Count(new ContinuityInputs([Row("n1", DayStart.AddDays(-10), Facts(EventTypes.ReleaseNotice))], [], [], []), London));
    }

    [Fact]
    public void Two_release_records_of_one_person_and_date_are_one_release_even_under_different_keys()
    {
        var counts = Single(
            Row("r1", DayStart.AddDays(-3), Facts(EventTypes.Release), "nhs:a", "prison:a"),
            Row("r2", DayStart.AddHours(10), Facts(EventTypes.Release), "prison:a"));

        Assert.Equal(1, counts.Releases);
        Assert.Equal([3], counts.NoticeLeadDays);
    }

    [Fact]
    public void Lead_time_counts_from_the_first_record_about_that_date_in_local_days_and_ignores_a_notice_for_another_date()
    {
        var counts = Single(
            Row("n0", DayStart.AddDays(-60), Facts(EventTypes.ReleaseNotice, Day.AddDays(-7))),
            Row("n1", DayStart.AddDays(-42).AddMinutes(30), Facts(EventTypes.ReleaseNotice)),
            Row("r1", DayStart.AddHours(10), Facts(EventTypes.Release)));

        Assert.Equal([42], counts.NoticeLeadDays);
        Assert.Equal(1, counts.NoticeSixWeeks);
    }

    [Fact]
    public void An_unplanned_release_has_no_lead_time()
    {
        var counts = Single(Row("r1", DayStart.AddHours(10), Facts(EventTypes.Release, planned: false)));

        Assert.Equal(1, counts.Releases);
        Assert.Empty(counts.NoticeLeadDays);
    }

    [Fact]
    public void The_latest_record_before_the_day_counts_as_delivered_only_when_every_message_was_delivered_before_the_day()
    {
        FactsRow[] rows = [Row("n1", DayStart.AddDays(-5), Facts(EventTypes.ReleaseNotice)), Row("r1", DayStart.AddHours(10), Facts(EventTypes.Release))];
        RecordDelivery[] before = [new("n1", AgencyTypes.Cjit, DayStart.AddDays(-5)), new("n1", AgencyTypes.Gp, DayStart.AddMinutes(-1))];
        RecordDelivery[] onTheDay = [new("n1", AgencyTypes.Cjit, DayStart.AddDays(-5)), new("n1", AgencyTypes.Gp, DayStart)];
        RecordDelivery[] notFetched = [new("n1", AgencyTypes.Cjit, DayStart.AddDays(-5)), new("n1", AgencyTypes.Gp, null)];

        Assert.Equal(1, Single(new ContinuityInputs(rows, before, [], [])).Delivered);
        Assert.Equal(0, Single(new ContinuityInputs(rows, onTheDay, [], [])).Delivered);
        Assert.Equal(0, Single(new ContinuityInputs(rows, notFetched, [], [])).Delivered);
        Assert.Equal(0, Single(new ContinuityInputs(rows, [], [], [])).Delivered);
    }

    [Fact]
    public void Only_a_gp_acceptance_before_the_day_counts()
    {
        FactsRow[] rows = [Row("n1", DayStart.AddDays(-5), Facts(EventTypes.ReleaseNotice)), Row("r1", DayStart.AddHours(10), Facts(EventTypes.Release))];

        Assert.Equal(1, Single(new ContinuityInputs(rows, [], [new("n1", AgencyTypes.Gp, ResponseOutcomes.Accepted, DayStart.AddHours(-1))], [])).AcceptedByGp);
        Assert.Equal(0, Single(new ContinuityInputs(rows, [], [new("n1", AgencyTypes.Gp, ResponseOutcomes.Accepted, DayStart)], [])).AcceptedByGp);
        Assert.Equal(0, Single(new ContinuityInputs(rows, [], [new("n1", AgencyTypes.Gp, ResponseOutcomes.Rejected, DayStart.AddDays(-1))], [])).AcceptedByGp);
        Assert.Equal(0, Single(new ContinuityInputs(rows, [], [new("n1", AgencyTypes.Cjit, ResponseOutcomes.Accepted, DayStart.AddDays(-1))], [])).AcceptedByGp);
    }

    [Theory]
    [InlineData(EngagementOutcomes.Attended, 0, 1)]
    [InlineData(EngagementOutcomes.Engaged, 21, 1)]
    [InlineData(EngagementOutcomes.Engaged, 22, 0)]
    [InlineData(EngagementOutcomes.Attended, -1, 0)]
    [InlineData(EngagementOutcomes.DidNotAttend, 2, 0)]
    public void Engagement_counts_when_attended_or_engaged_from_the_release_day_to_21_days_after(string outcome, int daysAfter, int engaged)
    {
        var counts = Single(
            Row("r1", DayStart.AddHours(10), Facts(EventTypes.Release)),
            new FactsRow("e1", ["prison:a"], DayStart.AddDays(30), null, new EngagementFacts(outcome, Day.AddDays(daysAfter))));

        Assert.Equal(engaged, counts.EngagedWithin21Days);
    }

    [Fact]
    public void An_overdue_release_counts_once_per_person_and_date_in_the_group_of_its_notice()
    {
        var inputs = new ContinuityInputs(
            [Row("n1", DayStart.AddDays(-9), Facts(EventTypes.ReleaseNotice, area: "CJIT-HULL")), Row("n2", DayStart.AddDays(-5), Facts(EventTypes.ReleaseNotice, area: "CJIT-HULL"))],
            [], [], [new("n1", ["nhs:a"], Day), new("n2", ["nhs:a", "prison:a"], Day)]);

        var counts = Single(inputs);

        Assert.Equal(("HLI", "CJIT-HULL", "2026-06", 0, 1), (counts.Prison, counts.CjitArea, counts.Month, counts.Releases, counts.OverdueReleases));
    }

    [Fact]
    public void The_period_keeps_release_dates_from_its_first_to_its_last_day()
    {
        var inputs = new ContinuityInputs(
            [Row("r1", DayStart, Facts(EventTypes.Release), "nhs:a"), Row("r2", DayStart, Facts(EventTypes.Release, Day.AddDays(1)), "nhs:b"),
             Row("r3", DayStart, Facts(EventTypes.Release, Day.AddDays(2)), "nhs:c")],
            [], [], []);

        Assert.Equal(2, Assert.Single(ContinuityCounting.Count(inputs, London, Day, Day.AddDays(1))).Releases);
    }

    [Fact]
    public void Bridging_is_counted_among_people_on_ost_and_naloxone_among_opioid_users()
    {
        var counts = Single(Row("r1", DayStart, Facts(EventTypes.Release) with { OnOst = false, Bridging = true, OpioidUser = false, Naloxone = true }));

        Assert.Equal((0, 0, 0, 0), (counts.OnOst, counts.Bridging, counts.OpioidUsers, counts.Naloxone));
    }
}
