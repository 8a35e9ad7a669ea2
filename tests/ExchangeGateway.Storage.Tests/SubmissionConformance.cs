using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>Submissions, what is remembered about people, and tracking, on every adapter.</summary>
public abstract class SubmissionConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void Accepting_stores_messages_decisions_and_what_is_known_about_the_person()
    {
        var result = Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));

        Assert.Equal(AcceptOutcome.Accepted, result.Outcome);
        Assert.Equal("{\"submissionId\":\"s1\"}", result.Response);
        Assert.Empty(result.Cancelled);
        Assert.Equal(new OutboxTotals(2, 2, 0, 0, 0, 0, 0), Totals());
        Assert.Equal(new KnownAgencies("B86030", "CJIT-LEEDS"), Read(t => t.Submissions.Remembered(["nhs:abc"]))!.Agencies);
        Assert.Equal(new StoredSubmission("s1", "HLI", EventTypes.Release, "h1", "{\"submissionId\":\"s1\"}"), Read(t => t.Submissions.Find("s1")));
        Assert.Equal(["nhs:abc"], Read(t => t.Submissions.PersonKeysOf("m1")));
        Assert.Equal(2, Read(t => t.Submissions.Track("s1")).Count);
    }

    [Fact]
    public void Nothing_is_found_or_remembered_before_anything_is_stored()
    {
        Assert.Null(Read(t => t.Submissions.Find("s1")));
        Assert.Null(Read(t => t.Submissions.Remembered(["nhs:abc"])));
        Assert.Empty(Read(t => t.Submissions.Track("s1")));
        Assert.Empty(Read(t => t.Submissions.PersonKeysOf("m1")));
    }

    [Fact]
    public void The_same_submission_again_is_a_repeat_and_another_body_a_conflict_and_neither_writes()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        var repeat = Accept(Submission("s1", messages: [Push("m9")]) with { Response = "{\"other\":true}" });
        var conflict = Accept(Submission("s1", hash: "h2", messages: [Push("m8")]));

        Assert.Equal(AcceptOutcome.Repeated, repeat.Outcome);
        Assert.Equal(AcceptOutcome.Conflict, conflict.Outcome);

        // Both answer with what was stored the first time.
        Assert.Equal("{\"submissionId\":\"s1\"}", repeat.Response);
        Assert.Equal("{\"submissionId\":\"s1\"}", conflict.Response);
        Assert.Equal(1, Totals().Accepted);
        Assert.Equal((1L, 1L), Read(t => t.Admin.Counts()));
    }

    [Fact]
    public void A_failure_inside_the_unit_of_work_leaves_nothing_behind_and_is_thrown_as_it_is()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Store.InTransaction(t =>
        {
            t.Submissions.Accept(Submission("s1", messages: [Push("m1")]));
            throw new InvalidOperationException("audit failed");
        }));

        Assert.Equal("audit failed", error.Message);
        Assert.Null(Read(t => t.Submissions.Find("s1")));
        Assert.Equal(0, Totals().Accepted);
        Assert.Null(Read(t => t.Submissions.Remembered(["nhs:abc"])));
    }

    [Fact]
    public void Tracking_lists_the_recipients_in_the_order_the_decisions_were_made()
    {
        // Neither alphabetical nor by message id, and one recipient withheld (no message).
        var messages = new[] { Push("m3", "CJIT-LEEDS"), Mail("m1", "B86030"), Push("m2", "CTP-FWDLEEDS") };
        var submission = Submission("s1", messages: messages) with
        {
            Decisions =
            [
                new RecipientDecision("CJIT-LEEDS", AgencyTypes.Cjit, "shared", "consented", "m3"),
                new RecipientDecision("PRISON-HLI", AgencyTypes.Prison, "withheld", "not a recipient of releases", null),
                new RecipientDecision("B86030", AgencyTypes.Gp, "shared", "consented", "m1"),
                new RecipientDecision("CTP-FWDLEEDS", AgencyTypes.CommunityTreatment, "shared", "legal basis", "m2", "vital-interests", "Dr A", "risk to life"),
            ],
        };
        Accept(submission);

        var track = Read(t => t.Submissions.Track("s1"));

        Assert.Equal(["CJIT-LEEDS", "PRISON-HLI", "B86030", "CTP-FWDLEEDS"], track.Select(l => l.Recipient));
        Assert.Equal(("withheld", (string?)null, "withheld", 0), (track[1].Decision, track[1].MessageId, track[1].Status, track[1].Attempts));
        Assert.Equal((MessageStatus.Queued, (DateTimeOffset?)Start), (track[0].Status, track[0].UpdatedAt));
        Assert.Equal(("legal basis", AgencyTypes.CommunityTreatment), (track[3].Reason, track[3].RecipientType));
    }

    [Fact]
    public void A_withdrawal_cancels_queued_messages_for_the_person_but_not_delivered_ones()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2"), Push("m3", "CJIT-NOTTS")]));
        Store.InTransaction(t => t.PushQueue.MarkDelivered("m1"));

        var result = Accept(Submission("s2", withdrawnAt: "2026-03-13T10:00:00+00:00"));

        Assert.Equal(["m2", "m3"], result.CancelledMessageIds.Order(StringComparer.Ordinal));
        Assert.All(result.Cancelled, c => Assert.Equal((CancelCause.Withdrawal, "consent withdrawn"), (c.Cause, c.Reason)));
        Assert.Equal(new OutboxTotals(3, 0, 1, 0, 0, 0, 2), Totals());
        Assert.Equal("consent withdrawn", Line("s1", "m2").LastError);
        Assert.Equal("2026-03-13T10:00:00+00:00", Read(t => t.Submissions.Remembered(["nhs:abc"]))!.WithdrawnAt);
    }

    [Fact]
    public void A_withdrawal_cancels_the_persons_dead_letters_and_expired_messages_so_none_can_be_queued_again()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));
        Store.InTransaction(t => t.PushQueue.MarkDeadLetter("m1", "HTTP 400"));
        Clock.Advance(TimeSpan.FromDays(6));
        Store.InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5)));

        var result = Accept(Submission("s2", withdrawnAt: "2026-03-19T10:00:00+00:00"));

        Assert.Equal(["m1", "m2"], result.CancelledMessageIds.Order(StringComparer.Ordinal));
        Assert.False(Store.InTransaction(t => t.Admin.Retry("m1")));
        Assert.False(Store.InTransaction(t => t.Admin.Retry("m2")));
        Assert.Equal(new OutboxTotals(2, 0, 0, 0, 0, 0, 2), Totals());
    }

    [Fact]
    public void A_withdrawal_leaves_other_people_s_messages_queued()
    {
        Accept(Submission("s1", messages: [Push("m1")]) with { PersonKeys = ["nhs:def"] });

        var result = Accept(Submission("s2", withdrawnAt: "2026-03-13T10:00:00+00:00"));

        Assert.Empty(result.Cancelled);
        Assert.Equal(MessageStatus.Queued, Line("s1", "m1").Status);
    }

    [Fact]
    public void Consent_narrowed_to_fewer_types_cancels_only_the_dropped_types_queued_messages()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));

        var result = Accept(Submission("s2") with { TypesNotShared = [AgencyTypes.Cjit] });

        var cancelled = Assert.Single(result.Cancelled);
        Assert.Equal(("m1", AgencyTypes.Cjit, CancelCause.ConsentNarrowed), (cancelled.MessageId, cancelled.RecipientType, cancelled.Cause));
        Assert.Equal(MessageStatus.Cancelled, Line("s1", "m1").Status);
        Assert.Contains(AgencyTypes.Cjit, Line("s1", "m1").LastError, StringComparison.Ordinal);
        Assert.Equal(MessageStatus.Queued, Line("s1", "m2").Status);
        var memory = Read(t => t.Submissions.Remembered(["nhs:abc"]))!;
        Assert.Null(memory.WithdrawnAt);
        Assert.Equal([AgencyTypes.Cjit], memory.NotShared);
    }

    [Fact]
    public void What_is_remembered_about_a_person_is_found_under_any_of_their_keys_and_kept_when_a_later_submission_knows_less()
    {
        Accept(Submission("s1") with { PersonKeys = ["nhs:abc", "prison:xyz"], Remember = new KnownAgencies("B86030", null) });
        Accept(Submission("s2") with { PersonKeys = ["prison:xyz"], Remember = new KnownAgencies(null, "CJIT-LEEDS") });
        Accept(Submission("s3") with { PersonKeys = ["prison:xyz"], Remember = new KnownAgencies(null, null) });

        Assert.Equal(new KnownAgencies("B86030", "CJIT-LEEDS"), Read(t => t.Submissions.Remembered(["nhs:zzz", "prison:xyz"]))!.Agencies);
        Assert.Equal(new KnownAgencies("B86030", null), Read(t => t.Submissions.Remembered(["nhs:abc"]))!.Agencies);
    }

    [Fact]
    public void The_community_provider_a_submission_names_is_remembered_and_read_back_by_locking_the_person()
    {
        Accept(Submission("s1") with { PersonKeys = ["nhs:abc", "prison:xyz"], Remember = new KnownAgencies("B86030", "CJIT-LEEDS", "CTP-FWDLEEDS") });

        var expected = new KnownAgencies("B86030", "CJIT-LEEDS", "CTP-FWDLEEDS");
        Assert.Equal(expected, Read(t => t.Submissions.Remembered(["prison:xyz"]))!.Agencies);
        Assert.Equal(expected, Store.InTransaction(t => t.Submissions.LockPersons(["nhs:abc"]))!.Agencies);
    }

    [Fact]
    public void A_later_submission_naming_no_community_provider_keeps_the_one_remembered_and_one_naming_another_replaces_it()
    {
        Accept(Submission("s1") with { Remember = new KnownAgencies(null, null, "CTP-FWDLEEDS") });
        Accept(Submission("s2") with { Remember = new KnownAgencies("B86030", null) });

        Assert.Equal(new KnownAgencies("B86030", null, "CTP-FWDLEEDS"), Read(t => t.Submissions.Remembered(["nhs:abc"]))!.Agencies);

        Accept(Submission("s3") with { Remember = new KnownAgencies(null, null, "CTP-BRADFORD") });

        Assert.Equal("CTP-BRADFORD", Read(t => t.Submissions.Remembered(["nhs:abc"]))!.Agencies.CommunityProvider);
    }

    [Fact]
    public void Memories_that_differ_only_in_the_community_provider_are_not_the_same()
    {
        var without = new PersonMemory(new KnownAgencies("B86030", "CJIT-LEEDS"), null, []);

        Assert.False(PersonMemory.Same(without, without with { Agencies = without.Agencies with { CommunityProvider = "CTP-FWDLEEDS" } }));
        Assert.False(PersonMemory.Same(null, new PersonMemory(new KnownAgencies(null, null, "CTP-FWDLEEDS"), null)));
        Assert.True(PersonMemory.Same(without, without with { Agencies = new KnownAgencies("B86030", "CJIT-LEEDS", null) }));
    }

    [Fact]
    public void A_submission_decided_before_another_instance_stored_a_community_provider_is_refused_as_stale()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var decidedOn = Read(t => t.Submissions.Remembered(["nhs:abc"]));
        using var other = Open();
        other.InTransaction(t => t.Submissions.Accept(Submission("s2") with { Remember = new KnownAgencies(null, null, "CTP-FWDLEEDS") }));

        Assert.Throws<StaleDecisionException>(() => Accept(Submission("s3", messages: [Push("m3")]) with { DecidedOn = new DecidedOn(decidedOn) }));

        Assert.Null(Read(t => t.Submissions.Find("s3")));
    }

    [Fact]
    public void Messages_queued_under_a_stored_submission_are_delivered_like_any_other()
    {
        Accept(Submission("n1") with { EventType = EventTypes.ReleaseNotice });

        Store.InTransaction(t => t.Submissions.Enqueue("n1", EventTypes.ReleaseNotice, ["nhs:abc", "prison:xyz"], [Push("m1"), Mail("m2")]));

        Assert.Equal(new OutboxTotals(2, 2, 0, 0, 0, 0, 0), Totals());
        Assert.Equal(["nhs:abc", "prison:xyz"], Read(t => t.Submissions.PersonKeysOf("m1")));
        Assert.Equal(["m1"], Claim(10));
        var mail = Assert.Single(Read(t => t.Mailbox.List("B86030")));
        Assert.Equal(("m2", "n1", EventTypes.ReleaseNotice, 3L), (mail.MessageId, mail.SubmissionId, mail.EventType, mail.Size));
        Assert.True(Store.InTransaction(t => t.PushQueue.MarkDelivered("m1")));
    }

    [Fact]
    public void A_withdrawal_cancels_queued_reminder_messages_for_the_person()
    {
        Accept(Submission("n1") with { EventType = EventTypes.ReleaseNotice });
        Store.InTransaction(t => t.Submissions.Enqueue("n1", EventTypes.ReleaseNotice, ["nhs:abc"], [Mail("m1")]));

        var result = Accept(Submission("w1", withdrawnAt: "2026-12-02T10:00:00+00:00") with { EventType = EventTypes.Reception });

        Assert.Equal(["m1"], result.CancelledMessageIds);
    }

    [Fact]
    public void Accepted_messages_survive_closing_and_reopening_the_database()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Store.Dispose();

        using var reopened = Target.Open(Clock);

        Assert.Equal(["m1"], reopened.InTransaction(t => t.PushQueue.Claim(10, [], [], "test", Lease)).Select(m => m.MessageId));
    }

    [Fact]
    public void A_submission_decided_before_a_withdrawal_another_instance_stored_is_refused_as_stale_and_nothing_is_stored()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var decidedOn = Read(t => t.Submissions.Remembered(["nhs:abc"]));
        using var other = Open();
        other.InTransaction(t => t.Submissions.Accept(Submission("s2", withdrawnAt: "2026-03-13T10:00:00+00:00")));

        Assert.Throws<StaleDecisionException>(() => Accept(Submission("s3", messages: [Push("m3")]) with { DecidedOn = new DecidedOn(decidedOn) }));

        Assert.Null(Read(t => t.Submissions.Find("s3")));
        Assert.Equal(1, Totals().Accepted);
        var fresh = Read(t => t.Submissions.Remembered(["nhs:abc"]));
        Assert.Equal(AcceptOutcome.Accepted, Accept(Submission("s3") with { DecidedOn = new DecidedOn(fresh) }).Outcome);
    }

    [Fact]
    public void A_first_submission_about_a_person_decided_on_no_memory_is_stored()
    {
        Assert.Equal(AcceptOutcome.Accepted, Accept(Submission("s1", messages: [Push("m1")]) with { DecidedOn = new DecidedOn(null) }).Outcome);
    }
}

public sealed class SqliteSubmissionTests : SubmissionConformance<SqliteTarget>;

public sealed class PostgreSqlSubmissionTests : SubmissionConformance<PostgreSqlTarget>;
