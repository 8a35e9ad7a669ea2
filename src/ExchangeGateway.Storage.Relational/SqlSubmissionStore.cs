using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Relational;

/// <summary>Submissions, their decisions and packages, and what is remembered about people, in SQL both adapters run.</summary>
internal sealed class SqlSubmissionStore(DbSession db, TimeProvider time) : ISubmissionStore
{
    public StoredSubmission? Find(string submissionId) =>
        db.Row("SELECT submission_id, sender, event_type, body_sha256, response FROM submissions WHERE submission_id = @id",
            r => new StoredSubmission(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), ("@id", submissionId));

    public PersonMemory? Remembered(IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        string? gp = null, cjit = null, provider = null, withdrawn = null, notShared = null;
        var found = false;
        foreach (var key in personKeys)
        {
            var row = db.Row(
                "SELECT p.gp_practice, p.cjit_area, p.withdrawn_at, c.not_shared, p.community_provider FROM persons p LEFT JOIN person_consent c ON c.person_key = p.person_key WHERE p.person_key = @k",
                r => (Gp: Columns.Text(r, 0), Cjit: Columns.Text(r, 1), Withdrawn: Columns.Text(r, 2), NotShared: Columns.Text(r, 3), Provider: Columns.Text(r, 4)), ("@k", key));
            if (row != default)
            {
                found = true;
                gp ??= row.Gp;
                cjit ??= row.Cjit;
                provider ??= row.Provider;
                withdrawn ??= row.Withdrawn;
                notShared ??= row.NotShared;
            }
        }

        var types = notShared is null ? [] : notShared.Split(',', StringSplitOptions.RemoveEmptyEntries);
        return found ? new PersonMemory(new KnownAgencies(gp, cjit, provider), withdrawn, types) : null;
    }

    public PersonMemory? LockPersons(IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // An upsert that changes nothing still locks the row (and a new row is locked by its insert), in one order for
        // every instance so that two never wait on each other.
        foreach (var key in personKeys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            db.Run("INSERT INTO persons(person_key, updated_ms) VALUES(@k, @now) ON CONFLICT(person_key) DO UPDATE SET updated_ms = persons.updated_ms",
                ("@k", key), ("@now", now));
        }

        return Remembered(personKeys);
    }

    public AcceptResult Accept(AcceptedSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // The id is taken first: another instance accepting the same id at the same moment waits here for it to commit,
        // then finds the row, so idempotency holds across instances without a unique-violation error.
        var inserted = db.Run("""
            INSERT INTO submissions(submission_id, sender, event_type, body_sha256, received_ms, response) VALUES(@id, @sender, @event, @hash, @now, @response)
            ON CONFLICT (submission_id) DO NOTHING
            """,
            ("@id", submission.SubmissionId), ("@sender", submission.Sender), ("@event", submission.EventType), ("@hash", submission.BodyHash), ("@now", now), ("@response", submission.Response));
        if (inserted == 0)
        {
            var existing = Find(submission.SubmissionId) ?? throw new InvalidOperationException("a submission id was taken but its row cannot be read");
            return new AcceptResult(existing.BodyHash == submission.BodyHash ? AcceptOutcome.Repeated : AcceptOutcome.Conflict, existing.Response, []);
        }

        // Decided outside the transaction: a withdrawal or a change of GP committed meanwhile by another instance must
        // not be overtaken by messages decided without it.
        if (submission.DecidedOn is { } decided && !PersonMemory.Same(LockPersons(submission.PersonKeys), decided.Memory))
        {
            throw new StaleDecisionException();
        }

        var cancelled = new List<CancelledMessage>();
        if (submission.WithdrawnAt is not null)
        {
            cancelled.AddRange(CancelQueuedFor(submission.PersonKeys, null, now));
        }
        else if (submission.TypesNotShared is { Count: > 0 } types)
        {
            cancelled.AddRange(CancelQueuedFor(submission.PersonKeys, types, now));
        }

        InsertMessages(submission.SubmissionId, submission.EventType, submission.PersonKeys, submission.Messages, now);

        var ordinal = 0L;
        foreach (var decision in submission.Decisions)
        {
            db.Run("""
                INSERT INTO decisions(submission_id, recipient, recipient_type, outcome, reason, message_id, legal_basis, authorised_by, justification, ordinal)
                VALUES(@s, @r, @t, @o, @reason, @m, @lb, @ab, @j, @n)
                """,
                ("@s", submission.SubmissionId), ("@r", decision.Recipient), ("@t", decision.RecipientType), ("@o", decision.Outcome), ("@reason", decision.Reason),
                ("@m", decision.MessageId), ("@lb", decision.LegalBasis), ("@ab", decision.AuthorisedBy), ("@j", decision.Justification), ("@n", ++ordinal));
        }

        foreach (var key in submission.PersonKeys)
        {
            db.Run("""
                INSERT INTO persons(person_key, gp_practice, cjit_area, community_provider, withdrawn_at, updated_ms) VALUES(@k, @gp, @cjit, @ctp, @w, @now)
                ON CONFLICT(person_key) DO UPDATE SET
                    gp_practice = coalesce(excluded.gp_practice, persons.gp_practice),
                    cjit_area = coalesce(excluded.cjit_area, persons.cjit_area),
                    community_provider = coalesce(excluded.community_provider, persons.community_provider),
                    withdrawn_at = coalesce(excluded.withdrawn_at, persons.withdrawn_at),
                    updated_ms = excluded.updated_ms
                """,
                ("@k", key), ("@gp", submission.Remember.GpPractice), ("@cjit", submission.Remember.CjitArea), ("@ctp", submission.Remember.CommunityProvider), ("@w", submission.WithdrawnAt), ("@now", now));
        }

        foreach (var key in submission.TypesNotShared is null ? [] : submission.PersonKeys)
        {
            db.Run("""
                INSERT INTO person_consent(person_key, not_shared, updated_ms) VALUES(@k, @types, @now)
                ON CONFLICT(person_key) DO UPDATE SET not_shared = excluded.not_shared, updated_ms = excluded.updated_ms
                """, ("@k", key), ("@types", string.Join(',', submission.TypesNotShared!)), ("@now", now));
        }

        return new AcceptResult(AcceptOutcome.Accepted, submission.Response, cancelled);
    }

    public void Enqueue(string submissionId, string eventType, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        ArgumentNullException.ThrowIfNull(messages);
        InsertMessages(submissionId, eventType, personKeys, messages, time.GetUtcNow().ToUnixTimeMilliseconds());
    }

    public IReadOnlyList<string> PersonKeysOf(string messageId) =>
        db.Rows("SELECT person_key FROM message_persons WHERE message_id = @m ORDER BY person_key", r => r.GetString(0), ("@m", messageId));

    public IReadOnlyList<TrackingLine> Track(string submissionId) =>
        db.Rows($"""
            SELECT d.recipient, d.recipient_type, d.outcome, d.reason, d.message_id, m.status, coalesce(m.attempts, 0), m.last_error, m.updated_ms,
                r.message_id, r.responder, r.outcome, r.body, r.at_ms, r.notice_message_id
            FROM decisions d LEFT JOIN messages m ON m.message_id = d.message_id LEFT JOIN responses r ON r.message_id = d.message_id
            WHERE d.submission_id = @s ORDER BY {db.Dialect.DecisionOrder}
            """,
            r => new TrackingLine(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Columns.Text(r, 4), Columns.Text(r, 5) ?? "withheld",
                Columns.Int(r, 6), Columns.Text(r, 7), r.IsDBNull(8) ? null : Columns.Time(r, 8), SqlResponseStore.Read(r, 9)),
            ("@s", submissionId));

    private void InsertMessages(string submissionId, string eventType, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages, long now)
    {
        foreach (var message in messages)
        {
            db.Run("""
                INSERT INTO messages(message_id, submission_id, recipient, recipient_type, channel, endpoint, event_type, package, size, status, created_ms, window_start_ms, attempts, next_attempt_ms, updated_ms)
                VALUES(@id, @submission, @recipient, @type, @channel, @endpoint, @event, @package, @size, @status, @now, @now, 0, @now, @now)
                """,
                ("@id", message.MessageId), ("@submission", submissionId), ("@recipient", message.Recipient), ("@type", message.RecipientType),
                ("@channel", DeliveryChannelNames.Of(message.Channel)), ("@endpoint", message.Endpoint), ("@event", eventType), ("@package", message.Package),
                ("@size", message.Package.LongLength), ("@status", MessageStatus.Queued), ("@now", now));
            foreach (var key in personKeys)
            {
                db.Run("INSERT INTO message_persons(message_id, person_key) VALUES(@m, @k) ON CONFLICT DO NOTHING", ("@m", message.MessageId), ("@k", key));
            }
        }
    }

    // Cancels the person's undelivered messages: all of them on a withdrawal (types null), else those of the given types.
    // Dead letters and expired messages too, so that no one can queue them again (exg outbox retry, the console) after consent went.
    private List<CancelledMessage> CancelQueuedFor(IReadOnlyList<string> personKeys, IReadOnlyList<string>? types, long now)
    {
        var cancelled = new List<CancelledMessage>();
        foreach (var key in personKeys)
        {
            var queued = db.Rows(
                "SELECT m.message_id, m.recipient_type FROM message_persons p JOIN messages m ON m.message_id = p.message_id WHERE p.person_key = @k AND m.status IN (@q, @dl, @e) ORDER BY m.message_id",
                r => (Id: r.GetString(0), Type: r.GetString(1)), ("@k", key), ("@q", MessageStatus.Queued), ("@dl", MessageStatus.DeadLetter), ("@e", MessageStatus.Expired));
            foreach (var (id, type) in queued.Where(m => types is null || types.Contains(m.Type, StringComparer.Ordinal)))
            {
                var reason = types is null ? "consent withdrawn" : $"consent withdrawn for {type} recipients: a newer record no longer shares with them";

                // Conditional: a message another instance delivered meanwhile is not cancelled after the fact.
                if (db.Run("UPDATE messages SET status = @c, last_error = @r, updated_ms = @now WHERE message_id = @m AND status IN (@q, @dl, @e)",
                    ("@c", MessageStatus.Cancelled), ("@r", reason), ("@now", now), ("@m", id), ("@q", MessageStatus.Queued), ("@dl", MessageStatus.DeadLetter), ("@e", MessageStatus.Expired)) == 1)
                {
                    cancelled.Add(new CancelledMessage(id, type, types is null ? CancelCause.Withdrawal : CancelCause.ConsentNarrowed, reason));
                }
            }
        }

        return cancelled;
    }
}
