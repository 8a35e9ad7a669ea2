using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Relational;

/// <summary>The outbox for administrators and the audit verifier.</summary>
internal sealed class SqlOutboxAdmin(DbSession db, TimeProvider time) : IOutboxAdmin
{
    public OutboxTotals Totals()
    {
        var counts = db.Rows("SELECT status, count(*) FROM messages GROUP BY status", r => (r.GetString(0), Columns.Long(r, 1)))
            .ToDictionary(c => c.Item1, c => c.Item2, StringComparer.Ordinal);
        long Count(string status) => counts.GetValueOrDefault(status);
        return new OutboxTotals(counts.Values.Sum(), Count(MessageStatus.Queued), Count(MessageStatus.Delivered), Count(MessageStatus.Acknowledged),
            Count(MessageStatus.DeadLetter), Count(MessageStatus.Expired), Count(MessageStatus.Cancelled));
    }

    public IReadOnlyList<OutboxLine> List(string? status, int max) => db.Rows(
        $"SELECT message_id, submission_id, recipient, channel, status, attempts, last_error, created_ms, event_type FROM messages {(status is null ? "" : "WHERE status = @s ")}ORDER BY created_ms DESC, message_id LIMIT @max",
        r => new OutboxLine(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Columns.Int(r, 5), Columns.Text(r, 6), Columns.Time(r, 7), r.GetString(8)),
        status is null ? [("@max", (long)max)] : [("@s", status), ("@max", (long)max)]);

    public IReadOnlyList<AgencyCounts> ByAgency()
    {
        var submitted = db.Rows("SELECT sender, count(*) FROM submissions GROUP BY sender", r => (Agency: r.GetString(0), Count: Columns.Long(r, 1)))
            .ToDictionary(c => c.Agency, c => c.Count, StringComparer.Ordinal);
        var states = db.Rows("SELECT recipient, status, count(*) FROM messages GROUP BY recipient, status", r => (Agency: r.GetString(0), Status: r.GetString(1), Count: Columns.Long(r, 2)))
            .ToLookup(c => c.Agency, StringComparer.Ordinal);
        var answers = db.Rows("SELECT responder, outcome, count(*) FROM responses GROUP BY responder, outcome", r => (Agency: r.GetString(0), Outcome: r.GetString(1), Count: Columns.Long(r, 2)))
            .ToLookup(c => c.Agency, StringComparer.Ordinal);

        // The oldest queued message per agency, found through the (status, channel, recipient, ...) index's status prefix.
        var oldest = db.Rows(
            "SELECT recipient, message_id, created_ms FROM (SELECT recipient, message_id, created_ms, ROW_NUMBER() OVER (PARTITION BY recipient ORDER BY created_ms, message_id) AS n FROM messages WHERE status = @q) t WHERE n = 1",
            r => (Agency: r.GetString(0), Message: new PendingMessage(r.GetString(1), Columns.Time(r, 2))), ("@q", MessageStatus.Queued))
            .ToDictionary(o => o.Agency, o => o.Message, StringComparer.Ordinal);

        long State(string agency, string status) => states[agency].Where(s => s.Status == status).Sum(s => s.Count);
        long Answer(string agency, string outcome) => answers[agency].Where(a => a.Outcome == outcome).Sum(a => a.Count);
        return submitted.Keys.Concat(states.Select(g => g.Key)).Concat(answers.Select(g => g.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(agency => new AgencyCounts(agency, submitted.GetValueOrDefault(agency), State(agency, MessageStatus.Queued), State(agency, MessageStatus.Delivered),
                State(agency, MessageStatus.Acknowledged), State(agency, MessageStatus.DeadLetter), State(agency, MessageStatus.Expired), State(agency, MessageStatus.Cancelled),
                Answer(agency, ResponseOutcomes.Accepted), Answer(agency, ResponseOutcomes.Rejected), oldest.GetValueOrDefault(agency)))
            .ToList();
    }

    public bool Retry(string messageId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return db.Run(
            "UPDATE messages SET status = @q, attempts = 0, next_attempt_ms = @now, window_start_ms = @now, created_ms = CASE WHEN channel = 'mailbox' THEN @now ELSE created_ms END, claimed_by = NULL, mesh_message_id = NULL, mesh_tracked_ms = NULL, updated_ms = @now WHERE message_id = @m AND status IN (@dl, @e)",
            ("@q", MessageStatus.Queued), ("@now", now), ("@m", messageId), ("@dl", MessageStatus.DeadLetter), ("@e", MessageStatus.Expired)) == 1;
    }

    // A dead letter or an expired message can be cancelled too: the operator settled it another way (by telephone, by post).
    // Not a message being pushed now (claimed, lease running): the agency may be taking it, and "cancelled" would be untrue.
    public bool Cancel(string messageId, string reason)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return db.Run(
            "UPDATE messages SET status = @c, last_error = @r, updated_ms = @now WHERE message_id = @m AND status IN (@q, @dl, @e) AND NOT (status = @q AND claimed_by IS NOT NULL AND next_attempt_ms > @now)",
            ("@c", MessageStatus.Cancelled), ("@r", reason), ("@now", now), ("@m", messageId), ("@q", MessageStatus.Queued),
            ("@dl", MessageStatus.DeadLetter), ("@e", MessageStatus.Expired)) == 1;
    }

    public (long Submissions, long Messages) Counts() =>
        (db.Long("SELECT COUNT(*) FROM submissions") ?? 0, db.Long("SELECT COUNT(*) FROM messages") ?? 0);

    public IReadOnlyList<string> SubmissionIds() =>
        db.Rows("SELECT submission_id FROM submissions ORDER BY received_ms, submission_id", r => r.GetString(0));

    public IReadOnlyList<StoredMessageState> MessageStates() =>
        db.Rows("SELECT message_id, channel, status, attempts FROM messages ORDER BY created_ms, message_id",
            r => new StoredMessageState(r.GetString(0), r.GetString(1), r.GetString(2), Columns.Long(r, 3)));

    // On the status-led push index: a scrape reads it every few seconds, so it must not scan delivered history.
    public IReadOnlyList<PendingForAgency> PendingByAgency() =>
        db.Rows("SELECT recipient, COUNT(*), MIN(created_ms) FROM messages WHERE status = @q GROUP BY recipient ORDER BY recipient",
            r => new PendingForAgency(r.GetString(0), Columns.Long(r, 1), Columns.Time(r, 2)), ("@q", MessageStatus.Queued));
}
