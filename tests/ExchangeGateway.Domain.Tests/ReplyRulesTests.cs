using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class ReplyRulesTests
{
    private static readonly Client Person = new("Sample", "Alex", "1979-02-14", "female", NhsNumber: "4010232137");

    private static Submission ReceptionReply(CommunityDispensing community) => new(
        "5c2d8e1a-3b4f-4a6d-9e7c-1f2a3b4c5d6e",
        new SubmissionEvent(EventTypes.ReceptionReply, "2026-02-05T09:40:00+00:00", "B82005", InReplyTo: "9a3f6c1e-2b7d-4e8f-a1c2-3d4e5f6a7b8c"),
        null,
        new Prescribing(OnOst: true),
        Person,
        community);

    private static Submission Engagement(EngagementReport report) => new(
        "7e1b2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        new SubmissionEvent(EventTypes.Engagement, "2026-03-20T16:10:00+00:00", "CJIT-LEEDS", InReplyTo: "2d4c6e8a-1b3d-4f5a-9c7e-0a2b4c6d8e0f"),
        null,
        Client: Person,
        Engagement: report);

    [Fact]
    public void A_consistent_reception_reply_breaks_no_rule() =>
        Assert.Empty(SubmissionRules.Check(ReceptionReply(new("2026-02-04", true, "2026-02-05", "FQ123"))));

    [Fact]
    public void Dispensing_may_be_suspended_on_the_day_of_the_last_supply() =>
        Assert.Empty(SubmissionRules.Check(ReceptionReply(new("2026-02-04", false, "2026-02-04"))));

    [Fact]
    public void A_suspension_before_the_last_supply_is_refused_naming_it() =>
        Assert.Contains(SubmissionRules.Check(ReceptionReply(new("2026-02-04", true, "2026-02-03"))), e => e.Path == "community.dispensingSuspendedFrom");

    [Fact]
    public void A_consistent_engagement_report_breaks_no_rule() =>
        Assert.Empty(SubmissionRules.Check(Engagement(new(EngagementOutcomes.Attended, "2026-03-16", "2026-03-23T10:30:00+00:00"))));

    [Fact]
    public void The_person_a_reply_names_is_checked_under_client()
    {
        var bad = Engagement(new(EngagementOutcomes.Engaged, "2026-03-16")) with { Client = Person with { NhsNumber = "4010232138" } };
        Assert.Contains(SubmissionRules.Check(bad), e => e.Path == "client.nhsNumber");
    }

    [Fact]
    public void A_reply_raises_no_safety_flag() =>
        Assert.Empty(SafetyFlags.Raise(ReceptionReply(new("2026-02-04", true))));

    [Fact]
    public void A_reply_is_not_cut_down_per_recipient()
    {
        var reply = Engagement(new(EngagementOutcomes.DidNotAttend, "2026-03-16"));
        Assert.Same(reply, RecordMinimiser.For(reply, AgencyTypes.Gp));
    }
}
