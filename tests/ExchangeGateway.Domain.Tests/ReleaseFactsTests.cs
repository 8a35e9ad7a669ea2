using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

/// <summary>What a release record and an engagement report give the continuity report, taken from the submission alone.</summary>
public sealed class ReleaseFactsTests
{
    [Fact]
    public void A_release_gives_its_prison_area_gp_date_and_plan()
    {
        var facts = ReleaseFacts.Of(Samples.Release());

        Assert.Equal(new ReleaseFacts(EventTypes.Release, "HLI", "CJIT-LEEDS", "B86030", new DateOnly(2026, 3, 13), Planned: true, OnOst: true,
            Bridging: true, OpioidUser: true, Naloxone: true, FirstAppointment: false), facts);
    }

    [Fact]
    public void A_notice_is_always_planned_and_an_unplanned_release_says_so()
    {
        var notice = Samples.Release(EventTypes.ReleaseNotice);
        var court = Samples.Release() with { Event = Samples.Release().Event with { PlannedRelease = false } };

        Assert.True(ReleaseFacts.Of(notice with { Event = notice.Event with { PlannedRelease = false } })!.Planned);
        Assert.False(ReleaseFacts.Of(court)!.Planned);
    }

    [Fact]
    public void An_opioid_user_without_ost_or_naloxone_and_with_a_first_appointment_is_recorded_as_such()
    {
        var release = Samples.Release();
        var changed = release with
        {
            Prescribing = new Prescribing(false),
            Dir = release.Dir! with { ReleasePlan = release.Dir.ReleasePlan! with { FirstAppointment = "2026-03-13T14:00:00+00:00" } },
        };

        var facts = ReleaseFacts.Of(changed)!;

        Assert.False(facts.OnOst);
        Assert.False(facts.Bridging);
        Assert.True(facts.OpioidUser);
        Assert.False(facts.Naloxone);
        Assert.True(facts.FirstAppointment);
    }

    [Fact]
    public void A_transfer_or_reception_gives_no_release_facts()
    {
        Assert.Null(ReleaseFacts.Of(Samples.Transfer()));
        Assert.Null(ReleaseFacts.Of(Samples.Reception()));
    }

    [Theory]
    [InlineData(EngagementOutcomes.Attended, true)]
    [InlineData(EngagementOutcomes.Engaged, true)]
    [InlineData(EngagementOutcomes.DidNotAttend, false)]
    [InlineData(EngagementOutcomes.Disengaged, false)]
    [InlineData(EngagementOutcomes.NotKnownToService, false)]
    public void An_engagement_report_gives_its_outcome_and_date_and_only_attended_or_engaged_count_as_engaged(string outcome, bool engaged)
    {
        var report = new Submission("r1", new SubmissionEvent(EventTypes.Engagement, "2026-03-20T10:00:00+00:00", "CJIT-LEEDS", InReplyTo: "m1"), null,
            Engagement: new EngagementReport(outcome, "2026-03-19"));

        var facts = EngagementFacts.Of(report)!;

        Assert.Equal(new EngagementFacts(outcome, new DateOnly(2026, 3, 19)), facts);
        Assert.Equal(engaged, facts.Engaged);
        Assert.Null(EngagementFacts.Of(Samples.Release()));
    }
}
