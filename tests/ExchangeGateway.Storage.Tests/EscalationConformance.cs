using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>Escalations: raising, what is due, escalating once, closing by record or by person, on every adapter.</summary>
public abstract class EscalationConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void A_raised_escalation_is_listed_pending_with_every_field()
    {
        Accept(Submission("s1"));
        var due = Start.AddDays(2).AddTicks(12_345_678);

        var raised = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, due, "B86030");

        var entry = Assert.Single(List());
        Assert.Equal(raised.EntryId, entry.EntryId);
        Assert.Equal(
            (EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(2).AddMilliseconds(1234), "s1", (string?)"B86030", EscalationStatus.Pending, Start, (string?)null),
            (entry.Kind, entry.DueAt, entry.SubmissionId, entry.WatchRecipient, entry.Status, entry.UpdatedAt, entry.Detail));
        Assert.Equal(["PRISON-HLI", "B86030"], entry.Recipients);
        Assert.Equal(["nhs:abc", "prison:xyz"], entry.PersonKeys);
        Assert.Equal((raised.DueAt, raised.UpdatedAt, raised.Status), (entry.DueAt, entry.UpdatedAt, entry.Status));
    }

    [Fact]
    public void An_escalation_watching_no_recipient_is_listed_with_none()
    {
        Accept(Submission("s1"));

        Raise("s1", EscalationKinds.EngagementDue, Start.AddDays(21), watch: null);

        Assert.Null(Assert.Single(List()).WatchRecipient);
    }

    [Fact]
    public void Nothing_is_due_before_its_time_and_an_escalation_is_due_from_its_time_with_the_source_json()
    {
        Accept(Submission("s1"));
        Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4));
        Assert.Empty(Due());

        Clock.SetUtcNow(Start.AddHours(4).AddMilliseconds(-1));
        Assert.Empty(Due());

        Clock.SetUtcNow(Start.AddHours(4));
        var due = Assert.Single(Due());
        Assert.Equal(EscalationKinds.ReceptionReplyDue, due.Entry.Kind);
        Assert.Equal("{\"source\":\"s1\"}", due.SourceJson);
    }

    [Fact]
    public void Due_escalations_come_earliest_first_up_to_the_maximum()
    {
        Accept(Submission("s1"));
        Accept(Submission("s2"));
        Raise("s1", EscalationKinds.EngagementDue, Start.AddDays(3));
        Raise("s2", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(1));
        Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(2));
        Raise("s2", EscalationKinds.EngagementDue, Start.AddDays(30));
        Clock.SetUtcNow(Start.AddDays(10));

        var due = Read(t => t.Escalations.Due(Clock.GetUtcNow(), max: 2));

        Assert.Equal([Start.AddDays(1), Start.AddDays(2)], due.Select(d => d.Entry.DueAt));
        Assert.Equal(["s2", "s1"], due.Select(d => d.Entry.SubmissionId));
        Assert.Equal(3, Due().Count);
    }

    [Fact]
    public void An_escalation_is_escalated_once_and_is_then_no_longer_due()
    {
        Accept(Submission("s1"));
        var id = Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4)).EntryId;
        Clock.SetUtcNow(Start.AddHours(5));

        Assert.True(Escalate(id, "alert sent to PRISON-HLI"));
        Assert.False(Escalate(id, "alert sent again"));
        Assert.False(Open().InTransaction(t => t.Escalations.Escalate(id, "from another instance", Clock.GetUtcNow())));

        Assert.Empty(Due());
        var entry = Assert.Single(List());
        Assert.Equal((EscalationStatus.Escalated, "alert sent to PRISON-HLI", Clock.GetUtcNow()), (entry.Status, entry.Detail, entry.UpdatedAt));
    }

    [Fact]
    public void An_unknown_escalation_cannot_be_escalated()
    {
        Assert.False(Escalate("no-such-entry", "alert"));
    }

    [Fact]
    public void Closing_by_record_and_kind_settles_the_pending_escalations_and_returns_their_ids()
    {
        Accept(Submission("s1"));
        Accept(Submission("s2"));
        var gp = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(1), "B86030");
        var cjit = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(2), "CJIT-LEEDS");
        var otherKind = Raise("s1", EscalationKinds.EngagementDue, Start.AddDays(3), null);
        var otherRecord = Raise("s2", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(4), "B86030");
        Clock.Advance(TimeSpan.FromHours(1));

        var closed = Close(EscalationKinds.ReleaseAcceptanceDue, "s1", watch: null);

        Assert.Equal([gp.EntryId, cjit.EntryId], closed);
        var entries = List().ToDictionary(e => e.EntryId);
        Assert.All([gp, cjit], e => Assert.Equal(
            (EscalationStatus.Answered, (string?)"answered", Clock.GetUtcNow()),
            (entries[e.EntryId].Status, entries[e.EntryId].Detail, entries[e.EntryId].UpdatedAt)));
        Assert.All([otherKind, otherRecord], e => Assert.Equal((EscalationStatus.Pending, Start), (entries[e.EntryId].Status, entries[e.EntryId].UpdatedAt)));
        Clock.SetUtcNow(Start.AddDays(10));
        Assert.Equal([otherKind.EntryId, otherRecord.EntryId], Due().Select(d => d.Entry.EntryId));
    }

    [Fact]
    public void Closing_for_one_watched_recipient_leaves_another_recipient_s_escalation_pending()
    {
        Accept(Submission("s1"));
        var gp = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(1), "B86030");
        var cjit = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(2), "CJIT-LEEDS");

        Assert.Equal([gp.EntryId], Close(EscalationKinds.ReleaseAcceptanceDue, "s1", "B86030"));
        Assert.Empty(Close(EscalationKinds.ReleaseAcceptanceDue, "s1", "B86030"));
        Assert.Empty(Close(EscalationKinds.ReleaseAcceptanceDue, "s1", "CTP-FWDLEEDS"));
        Assert.Empty(Close(EscalationKinds.EngagementDue, "s1", "CJIT-LEEDS"));

        Clock.SetUtcNow(Start.AddDays(10));
        Assert.Equal([cjit.EntryId], Due().Select(d => d.Entry.EntryId));
    }

    [Fact]
    public void Closing_an_escalation_already_settled_returns_nothing_and_keeps_how_it_was_settled()
    {
        Accept(Submission("s1"));
        var id = Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4)).EntryId;
        Clock.SetUtcNow(Start.AddHours(5));
        Escalate(id, "alert sent");

        Assert.Empty(Close(EscalationKinds.ReceptionReplyDue, "s1", watch: null));

        Assert.Equal((EscalationStatus.Escalated, "alert sent"), (List()[0].Status, List()[0].Detail));
    }

    [Fact]
    public void A_closed_escalation_cannot_be_escalated()
    {
        Accept(Submission("s1"));
        var id = Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4)).EntryId;
        Close(EscalationKinds.ReceptionReplyDue, "s1", watch: null);
        Clock.SetUtcNow(Start.AddHours(5));

        Assert.False(Escalate(id, "alert sent"));

        Assert.Equal(EscalationStatus.Answered, Assert.Single(List()).Status);
    }

    [Fact]
    public void Closing_for_a_person_matches_on_any_of_their_keys_and_settles_an_entry_found_under_two_keys_once()
    {
        Accept(Submission("s1"));
        Accept(Submission("s2"));
        Accept(Submission("s3"));
        var both = Raise("s1", EscalationKinds.EngagementDue, Start.AddDays(1), null, "nhs:abc", "prison:xyz");
        var prisonOnly = Raise("s2", EscalationKinds.EngagementDue, Start.AddDays(2), null, "prison:xyz");
        var someoneElse = Raise("s3", EscalationKinds.EngagementDue, Start.AddDays(3), null, "nhs:def");
        var otherKind = Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddDays(4), null, "nhs:abc");

        var closed = Store.InTransaction(t =>
            t.Escalations.CloseForPerson(EscalationKinds.EngagementDue, ["nhs:abc", "prison:xyz"], null, EscalationStatus.Answered, "engagement reported", Clock.GetUtcNow()));

        // The entry under both keys comes back once: a duplicate would have the caller report it closed twice.
        Assert.Equal(new[] { both.EntryId, prisonOnly.EntryId }.Order(StringComparer.Ordinal), closed.Order(StringComparer.Ordinal));
        var status = List().ToDictionary(e => e.EntryId, e => e.Status);
        Assert.Equal(
            [EscalationStatus.Answered, EscalationStatus.Answered, EscalationStatus.Pending, EscalationStatus.Pending],
            new[] { both, prisonOnly, someoneElse, otherKind }.Select(e => status[e.EntryId]));
    }

    [Fact]
    public void Closing_for_a_person_and_a_watched_recipient_leaves_another_recipient_s_escalation_pending()
    {
        Accept(Submission("s1"));
        var gp = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(1), "B86030");
        var cjit = Raise("s1", EscalationKinds.ReleaseAcceptanceDue, Start.AddDays(2), "CJIT-LEEDS");

        var closed = Store.InTransaction(t =>
            t.Escalations.CloseForPerson(EscalationKinds.ReleaseAcceptanceDue, ["prison:xyz"], "CJIT-LEEDS", EscalationStatus.Moved, "moved by the newer release s9", Clock.GetUtcNow()));

        Assert.Equal([cjit.EntryId], closed);
        var status = List().ToDictionary(e => e.EntryId, e => (e.Status, e.Detail));
        Assert.Equal((EscalationStatus.Pending, (string?)null), status[gp.EntryId]);
        Assert.Equal((EscalationStatus.Moved, (string?)"moved by the newer release s9"), status[cjit.EntryId]);
    }

    [Fact]
    public void Closing_back_to_pending_is_refused_as_an_argument_and_changes_nothing()
    {
        Accept(Submission("s1"));
        Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4));

        Assert.Throws<ArgumentException>(() => Store.InTransaction(t =>
            t.Escalations.Close(EscalationKinds.ReceptionReplyDue, "s1", null, EscalationStatus.Pending, "reopened", Clock.GetUtcNow())));
        Assert.Throws<ArgumentException>(() => Store.InTransaction(t =>
            t.Escalations.CloseForPerson(EscalationKinds.ReceptionReplyDue, ["nhs:abc"], null, EscalationStatus.Pending, "reopened", Clock.GetUtcNow())));

        Assert.Equal((EscalationStatus.Pending, (string?)null), (List()[0].Status, List()[0].Detail));
    }

    [Fact]
    public void Escalations_survive_closing_and_reopening_the_database()
    {
        Accept(Submission("s1"));
        Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4));
        Store.Dispose();

        using var reopened = Target.Open(Clock);
        Clock.SetUtcNow(Start.AddHours(4));

        Assert.Equal("{\"source\":\"s1\"}", Assert.Single(reopened.Snapshot(t => t.Escalations.Due(Clock.GetUtcNow()))).SourceJson);
    }

    [Fact]
    public void A_failure_inside_the_unit_of_work_leaves_the_escalation_pending()
    {
        Accept(Submission("s1"));
        var id = Raise("s1", EscalationKinds.ReceptionReplyDue, Start.AddHours(4)).EntryId;

        Assert.Throws<InvalidOperationException>(() => Store.InTransaction<bool>(t =>
        {
            t.Escalations.Escalate(id, "alert sent", Clock.GetUtcNow());
            throw new InvalidOperationException("sending failed");
        }));

        Assert.Equal(EscalationStatus.Pending, Assert.Single(List()).Status);
    }

    private EscalationEntry Raise(string submissionId, string kind, DateTimeOffset dueAt, string? watch = "B86030", params string[] keys) =>
        Store.InTransaction(t => t.Escalations.Raise(
            new NewEscalation(kind, dueAt, submissionId, watch, ["PRISON-HLI", "B86030"], keys.Length == 0 ? ["nhs:abc", "prison:xyz"] : keys, $"{{\"source\":\"{submissionId}\"}}"),
            Clock.GetUtcNow()));

    private IReadOnlyList<string> Close(string kind, string submissionId, string? watch) =>
        Store.InTransaction(t => t.Escalations.Close(kind, submissionId, watch, EscalationStatus.Answered, "answered", Clock.GetUtcNow()));

    private bool Escalate(string entryId, string detail) => Store.InTransaction(t => t.Escalations.Escalate(entryId, detail, Clock.GetUtcNow()));

    private IReadOnlyList<DueEscalation> Due() => Read(t => t.Escalations.Due(Clock.GetUtcNow()));

    private IReadOnlyList<EscalationEntry> List() => Read(t => t.Escalations.List());
}

public sealed class SqliteEscalationTests : EscalationConformance<SqliteTarget>;

public sealed class PostgreSqlEscalationTests : EscalationConformance<PostgreSqlTarget>;
