namespace ExchangeGateway.Storage.Relational;

/// <summary>
/// The queue of one sending channel (push, or MESH). Claiming a message moves its next attempt to the end of a lease: no instance finds it due before
/// then, and one that dies holding it lets it fall due again. The claim is a conditional update, so of two instances
/// that picked the same message only one changes it.
/// </summary>
internal sealed class SqlPushQueue(DbSession db, TimeProvider time, string channel = DeliveryChannelNames.Push) : IOutboxQueue
{
    public IReadOnlyList<DueMessage> Claim(int max, IReadOnlyCollection<string> skip, IReadOnlyCollection<string> busyAgencies, string claimant, TimeSpan lease, Func<string, int>? roomFor = null)
    {
        ArgumentNullException.ThrowIfNull(skip);
        ArgumentNullException.ThrowIfNull(busyAgencies);
        var skipMessages = skip.ToHashSet(StringComparer.Ordinal);
        var skipAgencies = busyAgencies.ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var candidates = new List<(long Due, string MessageId, string Recipient)>();
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var recipient in QueuedRecipients().Where(r => !skipAgencies.Contains(r)))
        {
            room[recipient] = Math.Min(max, roomFor?.Invoke(recipient) ?? max);
            if (room[recipient] <= 0)
            {
                continue;
            }

            candidates.AddRange(db.Rows(
                $"""
                SELECT next_attempt_ms, message_id FROM messages
                WHERE status = @q AND channel = '{channel}' AND recipient = @r AND next_attempt_ms <= @now
                ORDER BY next_attempt_ms LIMIT @limit{db.Dialect.SkipLocked}
                """,
                r => (Columns.Long(r, 0), r.GetString(1), recipient),
                ("@q", MessageStatus.Queued), ("@r", recipient), ("@now", now), ("@limit", (long)(room[recipient] + skipMessages.Count)))
                .Where(c => !skipMessages.Contains(c.Item2)));
        }

        var until = now + (long)lease.TotalMilliseconds;

        // One token per claim: a transition made with it after the lease ran out and another instance took the message changes nothing.
        var claim = $"{claimant}/{Guid.NewGuid():N}";
        var claimed = new List<DueMessage>();
        foreach (var (_, id, recipient) in candidates.OrderBy(c => c.Due).ThenBy(c => c.MessageId, StringComparer.Ordinal))
        {
            if (claimed.Count == max)
            {
                break;
            }

            // Only as many as the agency has room for: a message claimed beyond it would wait out a whole lease unsent.
            if (room[recipient] == 0)
            {
                continue;
            }

            if (db.Run("UPDATE messages SET next_attempt_ms = @until, claimed_by = @me WHERE message_id = @m AND status = @q AND next_attempt_ms <= @now",
                ("@until", until), ("@me", claim), ("@m", id), ("@q", MessageStatus.Queued), ("@now", now)) != 1)
            {
                continue;
            }

            room[recipient]--;
            claimed.Add(db.Row(
                "SELECT message_id, recipient, endpoint, package, attempts, window_start_ms FROM messages WHERE message_id = @m",
                r => new DueMessage(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), Columns.Int(r, 4), Columns.Long(r, 5), claim),
                ("@m", id))!);
        }

        return claimed;
    }

    public DateTimeOffset? NextDue()
    {
        long? next = null;
        foreach (var recipient in QueuedRecipients())
        {
            if (db.Long($"SELECT min(next_attempt_ms) FROM messages WHERE status = @q AND channel = '{channel}' AND recipient = @r", ("@q", MessageStatus.Queued), ("@r", recipient)) is { } ms
                && (next is null || ms < next))
            {
                next = ms;
            }
        }

        return next is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }

    public bool MarkDelivered(string messageId, string? claim = null, string? receiverId = null) => Transition(messageId, MessageStatus.Delivered, null, null, claim, receiverId);

    public bool MarkRetry(string messageId, DateTimeOffset nextAttempt, string error, string? claim = null) =>
        Transition(messageId, MessageStatus.Queued, error, nextAttempt.ToUnixTimeMilliseconds(), claim);

    public bool MarkDeadLetter(string messageId, string error, string? claim = null) => Transition(messageId, MessageStatus.DeadLetter, error, null, claim);

    private bool Transition(string messageId, string to, string? error, long? nextAttemptMs, string? claim, string? meshMessageId = null)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        (string, object?)[] parameters =
            [("@to", to), ("@e", error), ("@next", nextAttemptMs ?? now), ("@now", now), ("@m", messageId), ("@from", MessageStatus.Queued), ("@mesh", meshMessageId), ("@claim", claim)];
        return db.Run(
            "UPDATE messages SET status = @to, attempts = attempts + 1, last_error = @e, next_attempt_ms = @next, claimed_by = NULL, updated_ms = @now, "
            + "mesh_message_id = COALESCE(@mesh, mesh_message_id) WHERE message_id = @m AND status = @from"
            + (claim is null ? "" : " AND claimed_by = @claim"),
            claim is null ? parameters[..^1] : parameters) == 1;
    }

    // The agencies with queued messages on this channel, one index seek each (a skip scan neither database does by itself): a
    // DISTINCT would walk every queued message.
    private List<string> QueuedRecipients() => db.Rows(
        $"""
        WITH RECURSIVE agencies(recipient) AS (
            SELECT min(recipient) FROM messages WHERE status = @q AND channel = '{channel}'
            UNION ALL
            SELECT (SELECT min(recipient) FROM messages WHERE status = @q AND channel = '{channel}' AND recipient > agencies.recipient)
            FROM agencies WHERE agencies.recipient IS NOT NULL)
        SELECT recipient FROM agencies WHERE recipient IS NOT NULL
        """,
        r => r.GetString(0), ("@q", MessageStatus.Queued));
}
