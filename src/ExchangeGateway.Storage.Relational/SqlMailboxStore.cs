namespace ExchangeGateway.Storage.Relational;

/// <summary>The mailboxes: every state change is a conditional update, so it happens once whichever instance serves it.</summary>
internal sealed class SqlMailboxStore(DbSession db, TimeProvider time) : IMailboxStore
{
    public IReadOnlyList<MailboxEntry> List(string agencyId) => db.Rows(
        "SELECT message_id, submission_id, event_type, created_ms, size, status FROM messages WHERE recipient = @a AND channel = 'mailbox' AND status IN (@q, @d) ORDER BY created_ms, message_id",
        r => new MailboxEntry(r.GetString(0), r.GetString(1), r.GetString(2), Columns.Time(r, 3), Columns.Long(r, 4), r.GetString(5)),
        ("@a", agencyId), ("@q", MessageStatus.Queued), ("@d", MessageStatus.Delivered));

    public byte[]? Fetch(string agencyId, string messageId)
    {
        // The update first: it locks the row, so an expiry or ack by another instance either happened before (and the
        // read below sees it) or waits until this fetch is recorded.
        db.Run("UPDATE messages SET status = @d, attempts = attempts + 1, updated_ms = @now WHERE message_id = @m AND recipient = @a AND channel = 'mailbox' AND status = @q",
            ("@d", MessageStatus.Delivered), ("@now", Now()), ("@m", messageId), ("@a", agencyId), ("@q", MessageStatus.Queued));
        var row = db.Row(
            "SELECT package, status FROM messages WHERE message_id = @m AND recipient = @a AND channel = 'mailbox'",
            r => (Package: (byte[])r.GetValue(0), Status: r.GetString(1)), ("@m", messageId), ("@a", agencyId));
        return row != default && row.Status == MessageStatus.Delivered ? row.Package : null;
    }

    public bool Acknowledge(string agencyId, string messageId) => db.Run(
        "UPDATE messages SET status = @ack, updated_ms = @now WHERE message_id = @m AND recipient = @a AND channel = 'mailbox' AND status IN (@q, @d)",
        ("@ack", MessageStatus.Acknowledged), ("@now", Now()), ("@m", messageId), ("@a", agencyId), ("@q", MessageStatus.Queued), ("@d", MessageStatus.Delivered)) == 1;

    public IReadOnlyList<string> Expire(DateTimeOffset createdBefore)
    {
        var ids = db.Rows(
            "SELECT message_id FROM messages WHERE channel = 'mailbox' AND status IN (@q, @d) AND created_ms < @cutoff ORDER BY message_id",
            r => r.GetString(0), ("@q", MessageStatus.Queued), ("@d", MessageStatus.Delivered), ("@cutoff", createdBefore.ToUnixTimeMilliseconds()));
        var now = Now();
        return [.. ids.Where(id => db.Run(
            "UPDATE messages SET status = @e, last_error = 'not acknowledged in time', updated_ms = @now WHERE message_id = @m AND status IN (@q, @d)",
            ("@e", MessageStatus.Expired), ("@now", now), ("@m", id), ("@q", MessageStatus.Queued), ("@d", MessageStatus.Delivered)) == 1)];
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
