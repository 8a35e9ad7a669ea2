using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>The continuity report's facts: recorded once per submission, read back whole, with the deliveries and answers of release records.</summary>
public abstract class ReleaseFactsConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    private static readonly ReleaseFacts Plan = new(EventTypes.ReleaseNotice, "HLI", "CJIT-LEEDS", "B86030", new DateOnly(2026, 4, 20), Planned: true,
        OnOst: true, Bridging: false, OpioidUser: true, Naloxone: true, FirstAppointment: false);

    private void Record(string id, ReleaseFacts facts, params OutgoingMessage[] messages) => Store.InTransaction(t =>
    {
        t.Submissions.Accept(Submission(id, messages: messages));
        t.ReleaseFacts.Record(id, ["nhs:abc", "prison:abc"], facts);
    });

    [Fact]
    public void A_release_record_s_facts_are_read_back_with_its_keys_and_the_time_it_was_accepted_to_the_millisecond()
    {
        Clock.SetUtcNow(Start.AddTicks(12_345_678));
        Record("s1", Plan);

        var row = Assert.Single(Read(t => t.ReleaseFacts.List()));

        Assert.Equal("s1", row.SubmissionId);
        Assert.Equal(["nhs:abc", "prison:abc"], row.PersonKeys);
        Assert.Equal(Start.AddMilliseconds(1234), row.AcceptedAt);
        Assert.Equal(Plan, row.Release);
        Assert.Null(row.Engagement);
    }

    [Fact]
    public void A_release_without_an_area_gp_or_date_is_read_back_without_them()
    {
        var bare = Plan with { EventType = EventTypes.Release, CjitArea = null, GpPractice = null, ReleaseDate = null, Planned = false, OnOst = false, OpioidUser = false };
        Record("s1", bare);

        Assert.Equal(bare, Assert.Single(Read(t => t.ReleaseFacts.List())).Release);
    }

    [Fact]
    public void An_engagement_report_s_facts_are_read_back_with_its_outcome_and_date()
    {
        Store.InTransaction(t =>
        {
            t.Submissions.Accept(Submission("e1"));
            t.ReleaseFacts.Record("e1", ["prison:abc"], new EngagementFacts(EngagementOutcomes.Attended, new DateOnly(2026, 4, 22)));
        });

        var row = Assert.Single(Read(t => t.ReleaseFacts.List()));

        Assert.Null(row.Release);
        Assert.Equal(new EngagementFacts(EngagementOutcomes.Attended, new DateOnly(2026, 4, 22)), row.Engagement);
        Assert.Equal(["prison:abc"], row.PersonKeys);
    }

    [Fact]
    public void A_submission_s_facts_are_recorded_once_and_the_first_are_kept()
    {
        Record("s1", Plan);

        Store.InTransaction(t => t.ReleaseFacts.Record("s1", ["nhs:other"], Plan with { Prison = "BMI" }));

        var row = Assert.Single(Read(t => t.ReleaseFacts.List()));
        Assert.Equal(("HLI", "nhs:abc"), (row.Release!.Prison, row.PersonKeys[0]));
    }

    [Fact]
    public void Facts_are_listed_by_the_time_they_were_accepted()
    {
        Record("s2", Plan);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Record("s1", Plan);

        Assert.Equal(["s2", "s1"], Read(t => t.ReleaseFacts.List()).Select(r => r.SubmissionId));
    }

    [Fact]
    public void A_release_record_s_messages_show_when_they_were_delivered_fetched_or_acknowledged_and_not_while_queued_or_failed()
    {
        Record("s1", Plan, Push("m1"), Mail("m2"), Push("m3", "CTP-FWDLEEDS"), Mail("m4", "B82005"));
        Clock.Advance(TimeSpan.FromHours(1));
        Store.InTransaction(t => t.PushQueue.MarkDelivered("m1"));
        Clock.Advance(TimeSpan.FromHours(1));
        Store.InTransaction(t =>
        {
            t.Mailbox.Fetch("B86030", "m2");
            t.Mailbox.Fetch("B82005", "m4");
            t.Mailbox.Acknowledge("B82005", "m4");
            t.PushQueue.MarkDeadLetter("m3", "410 Gone");
        });

        var deliveries = Read(t => t.ReleaseFacts.Deliveries()).OrderBy(d => d.DeliveredAt).ToList();

        Assert.Equal(
            [new RecordDelivery("s1", AgencyTypes.Cjit, null), new RecordDelivery("s1", AgencyTypes.Cjit, Start.AddHours(1)),
             new RecordDelivery("s1", AgencyTypes.Gp, Start.AddHours(2)), new RecordDelivery("s1", AgencyTypes.Gp, Start.AddHours(2))],
            deliveries);
    }

    [Fact]
    public void Messages_and_answers_of_submissions_without_release_facts_are_not_read()
    {
        Accept(Submission("t1", messages: [Mail("m9")]));
        Store.InTransaction(t => t.Responses.Record(new StoredResponse("m9", "B86030", ResponseOutcomes.Accepted, "{}", Start, null)));

        Assert.Empty(Read(t => t.ReleaseFacts.Deliveries()));
        Assert.Empty(Read(t => t.ReleaseFacts.Answers()));
    }

    [Fact]
    public void A_release_record_s_answers_show_the_responder_s_type_the_outcome_and_when()
    {
        Record("s1", Plan, Push("m1"), Mail("m2"));
        Store.InTransaction(t =>
        {
            t.Responses.Record(new StoredResponse("m2", "B86030", ResponseOutcomes.Accepted, "{}", Start.AddHours(3), null));
            t.Responses.Record(new StoredResponse("m1", "CJIT-LEEDS", ResponseOutcomes.Rejected, "{}", Start.AddHours(4), "n1"));
        });

        Assert.Equal(
            [new RecordAnswer("s1", AgencyTypes.Gp, ResponseOutcomes.Accepted, Start.AddHours(3)), new RecordAnswer("s1", AgencyTypes.Cjit, ResponseOutcomes.Rejected, Start.AddHours(4))],
            Read(t => t.ReleaseFacts.Answers()));
    }
}

public sealed class SqliteReleaseFactsTests : ReleaseFactsConformance<SqliteTarget>;

public sealed class PostgreSqlReleaseFactsTests : ReleaseFactsConformance<PostgreSqlTarget>;
