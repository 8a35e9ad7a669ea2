using System.Globalization;
using ExchangeGateway.Domain;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage;

/// <summary>Work another component (the audit trail) does inside the outbox's transaction, so both commit or neither does.</summary>
public delegate void TransactionWork(SqliteConnection connection, SqliteTransaction transaction);

/// <summary>
/// The durable outbox: submissions, their consent decisions, the sealed packages and their delivery state, in one
/// SQLite file. Every change is one transaction; a message is never deleted, only moved between states.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly TimeProvider time;
    private readonly Lock gate = new();

    private Outbox(SqliteConnection connection, TimeProvider time)
    {
        this.connection = connection;
        this.time = time;
    }

    /// <summary>The open database, for components that keep their tables beside the outbox's.</summary>
    public SqliteConnection Connection => connection;

    /// <summary>Opens (creating if needed) the outbox in the given database file.</summary>
    public static Outbox Open(string databasePath, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var connection = GatewayDatabase.Open(databasePath);
        try
        {
            using var transaction = connection.BeginTransaction();
            foreach (var statement in Schema)
            {
                GatewayDatabase.Execute(connection, statement, transaction);
            }

            transaction.Commit();
            return new Outbox(connection, time);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS submissions(
            submission_id TEXT PRIMARY KEY,
            sender TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body_sha256 TEXT NOT NULL,
            received_ms INTEGER NOT NULL,
            response TEXT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS messages(
            message_id TEXT PRIMARY KEY,
            submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
            recipient TEXT NOT NULL,
            recipient_type TEXT NOT NULL,
            channel TEXT NOT NULL,
            endpoint TEXT,
            event_type TEXT NOT NULL,
            package BLOB NOT NULL,
            size INTEGER NOT NULL,
            status TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            window_start_ms INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_ms INTEGER NOT NULL,
            last_error TEXT,
            updated_ms INTEGER NOT NULL)
        """,
        // Per agency, so that the push worker finds what is due for the agencies it is not already busy with by index seeks,
        // however long the queue of an agency that is down or slow has grown.
        "DROP INDEX IF EXISTS messages_due",
        "CREATE INDEX IF NOT EXISTS messages_push ON messages(status, channel, recipient, next_attempt_ms)",
        "CREATE INDEX IF NOT EXISTS messages_mailbox ON messages(recipient, channel, status)",
        "CREATE INDEX IF NOT EXISTS messages_submission ON messages(submission_id)",
        """
        CREATE TABLE IF NOT EXISTS decisions(
            submission_id TEXT NOT NULL REFERENCES submissions(submission_id),
            recipient TEXT NOT NULL,
            recipient_type TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            message_id TEXT,
            legal_basis TEXT,
            authorised_by TEXT,
            justification TEXT,
            PRIMARY KEY(submission_id, recipient))
        """,
        """
        CREATE TABLE IF NOT EXISTS message_persons(
            message_id TEXT NOT NULL REFERENCES messages(message_id),
            person_key TEXT NOT NULL,
            PRIMARY KEY(person_key, message_id))
        """,
        // Who a message is about, looked up for every delivery result: without it each lookup scans the whole table.
        "CREATE INDEX IF NOT EXISTS message_persons_by_message ON message_persons(message_id)",
        """
        CREATE TABLE IF NOT EXISTS persons(
            person_key TEXT PRIMARY KEY,
            gp_practice TEXT,
            cjit_area TEXT,
            withdrawn_at TEXT,
            updated_ms INTEGER NOT NULL)
        """,
        // The recipient types the person's newest record does not share with: reminders re-sealed from an older notice
        // must not go to a type a newer record dropped.
        """
        CREATE TABLE IF NOT EXISTS person_consent(
            person_key TEXT PRIMARY KEY,
            not_shared TEXT NOT NULL,
            updated_ms INTEGER NOT NULL)
        """,
    ];

    /// <summary>Runs work in a transaction of its own, serialised with the outbox's (for audit entries that change no message).</summary>
    public void InTransaction(TransactionWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        InTransaction((c, t) =>
        {
            work(c, t);
            return 0;
        });
    }

    /// <summary>The person keys a message was stored with (for audit entries about it).</summary>
    public static IReadOnlyList<string> PersonKeysOf(SqliteConnection connection, SqliteTransaction transaction, string messageId)
    {
        using var command = SqliteCommands.Create(connection, transaction, "SELECT person_key FROM message_persons WHERE message_id = $m ORDER BY person_key", ("$m", messageId));
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>The submission stored under this id, or null.</summary>
    public StoredSubmission? FindSubmission(string submissionId)
    {
        lock (gate)
        {
            return FindSubmission(submissionId, null);
        }
    }

    /// <summary>What is remembered about the first of these person keys that is known, or null.</summary>
    public PersonMemory? Remembered(IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        lock (gate)
        {
            string? gp = null, cjit = null, withdrawn = null, notShared = null;
            var found = false;
            foreach (var key in personKeys)
            {
                using var command = Command(
                    "SELECT p.gp_practice, p.cjit_area, p.withdrawn_at, c.not_shared FROM persons p LEFT JOIN person_consent c ON c.person_key = p.person_key WHERE p.person_key = $k",
                    null, ("$k", key));
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    found = true;
                    gp ??= NullableString(reader, 0);
                    cjit ??= NullableString(reader, 1);
                    withdrawn ??= NullableString(reader, 2);
                    notShared ??= NullableString(reader, 3);
                }
            }

            var types = notShared is null ? [] : notShared.Split(',', StringSplitOptions.RemoveEmptyEntries);
            return found ? new PersonMemory(new KnownAgencies(gp, cjit), withdrawn, types) : null;
        }
    }

    /// <summary>
    /// Stores a submission with its decisions and packages in one transaction (with <paramref name="alsoInTransaction"/>),
    /// unless its id is taken: the same body is a repeat (nothing written), another body a conflict. A withdrawal
    /// cancels, in the same transaction, every queued message for the person.
    /// </summary>
    public AcceptResult Accept(AcceptedSubmission submission, TransactionWork? alsoInTransaction = null, Action<IReadOnlyList<CancelledMessage>, SqliteConnection, SqliteTransaction>? onCancelled = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var existing = FindSubmission(submission.SubmissionId, transaction);
            if (existing is not null)
            {
                return new AcceptResult(existing.BodyHash == submission.BodyHash ? AcceptOutcome.Repeated : AcceptOutcome.Conflict, existing.Response, []);
            }

            var now = NowMs();
            Run("INSERT INTO submissions(submission_id, sender, event_type, body_sha256, received_ms, response) VALUES($id, $sender, $event, $hash, $now, $response)", transaction,
                ("$id", submission.SubmissionId), ("$sender", submission.Sender), ("$event", submission.EventType), ("$hash", submission.BodyHash), ("$now", now), ("$response", submission.Response));

            var cancelled = new List<CancelledMessage>();
            if (submission.WithdrawnAt is not null)
            {
                cancelled.AddRange(CancelQueuedFor(submission.PersonKeys, null, now, transaction));
            }
            else if (submission.TypesNotShared is { Count: > 0 } types)
            {
                cancelled.AddRange(CancelQueuedFor(submission.PersonKeys, types, now, transaction));
            }

            InsertMessages(transaction, submission.SubmissionId, submission.EventType, submission.PersonKeys, submission.Messages, now);

            foreach (var decision in submission.Decisions)
            {
                Run("""
                    INSERT INTO decisions(submission_id, recipient, recipient_type, outcome, reason, message_id, legal_basis, authorised_by, justification)
                    VALUES($s, $r, $t, $o, $reason, $m, $lb, $ab, $j)
                    """, transaction,
                    ("$s", submission.SubmissionId), ("$r", decision.Recipient), ("$t", decision.RecipientType), ("$o", decision.Outcome), ("$reason", decision.Reason),
                    ("$m", decision.MessageId), ("$lb", decision.LegalBasis), ("$ab", decision.AuthorisedBy), ("$j", decision.Justification));
            }

            foreach (var key in submission.PersonKeys)
            {
                Run("""
                    INSERT INTO persons(person_key, gp_practice, cjit_area, withdrawn_at, updated_ms) VALUES($k, $gp, $cjit, $w, $now)
                    ON CONFLICT(person_key) DO UPDATE SET
                        gp_practice = coalesce(excluded.gp_practice, gp_practice),
                        cjit_area = coalesce(excluded.cjit_area, cjit_area),
                        withdrawn_at = coalesce(excluded.withdrawn_at, withdrawn_at),
                        updated_ms = excluded.updated_ms
                    """, transaction,
                    ("$k", key), ("$gp", submission.Remember.GpPractice), ("$cjit", submission.Remember.CjitArea), ("$w", submission.WithdrawnAt), ("$now", now));
            }

            foreach (var key in submission.TypesNotShared is null ? [] : submission.PersonKeys)
            {
                Run("""
                    INSERT INTO person_consent(person_key, not_shared, updated_ms) VALUES($k, $types, $now)
                    ON CONFLICT(person_key) DO UPDATE SET not_shared = excluded.not_shared, updated_ms = excluded.updated_ms
                    """, transaction, ("$k", key), ("$types", string.Join(',', submission.TypesNotShared!)), ("$now", now));
            }

            if (cancelled.Count > 0)
            {
                onCancelled?.Invoke(cancelled, connection, transaction);
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return new AcceptResult(AcceptOutcome.Accepted, submission.Response, cancelled);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction of this database under the outbox's lock, and commits unless it throws:
    /// for components that keep their tables beside the outbox's (the release schedule) and must not race its writes.
    /// </summary>
    public T InTransaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    /// <summary>
    /// Queues more messages under an already stored submission (e.g. a release reminder re-sealed from its notice), inside a
    /// transaction of this outbox (<see cref="InTransaction"/> or a <see cref="TransactionWork"/>). From here they are
    /// delivered, fetched, expired and cancelled like any other message, and a withdrawal for the person cancels them.
    /// </summary>
    public void Enqueue(SqliteTransaction transaction, string submissionId, string eventType, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(personKeys);
        ArgumentNullException.ThrowIfNull(messages);
        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("the transaction is not one of this outbox's", nameof(transaction));
        }

        InsertMessages(transaction, submissionId, eventType, personKeys, messages, NowMs());
    }

    /// <summary>
    /// Push messages due for an attempt now, oldest first, leaving out those already in flight and those for agencies
    /// that already have all the attempts in flight they may have (so one slow agency cannot crowd out the rest).
    /// </summary>
    public IReadOnlyList<DueMessage> DuePush(int max, IReadOnlyCollection<string> inFlight, IReadOnlyCollection<string> busyAgencies)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        ArgumentNullException.ThrowIfNull(busyAgencies);
        var skipMessages = inFlight.ToHashSet(StringComparer.Ordinal);
        var skipAgencies = busyAgencies.ToHashSet(StringComparer.Ordinal);
        lock (gate)
        {
            var now = NowMs();
            var candidates = new List<(long Due, string MessageId, long RowId)>();
            foreach (var recipient in QueuedPushRecipients())
            {
                if (skipAgencies.Contains(recipient))
                {
                    continue;
                }

                using var command = Command(
                    """
                    SELECT rowid, next_attempt_ms, message_id FROM messages
                    WHERE status = $q AND channel = 'push' AND recipient = $r AND next_attempt_ms <= $now
                    ORDER BY next_attempt_ms LIMIT $limit
                    """,
                    null, ("$q", MessageStatus.Queued), ("$r", recipient), ("$now", now), ("$limit", max + skipMessages.Count));
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var messageId = reader.GetString(2);
                    if (!skipMessages.Contains(messageId))
                    {
                        candidates.Add((reader.GetInt64(1), messageId, reader.GetInt64(0)));
                    }
                }
            }

            var due = new List<DueMessage>();
            foreach (var (_, _, rowId) in candidates.OrderBy(c => c.Due).ThenBy(c => c.MessageId, StringComparer.Ordinal).Take(max))
            {
                using var command = Command("SELECT message_id, recipient, endpoint, package, attempts, window_start_ms FROM messages WHERE rowid = $id", null, ("$id", rowId));
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    due.Add(new DueMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2), (byte[])reader.GetValue(3), reader.GetInt32(4), reader.GetInt64(5)));
                }
            }

            return due;
        }
    }

    /// <summary>When the next queued push message falls due, or null when none is queued.</summary>
    public DateTimeOffset? NextPushDue()
    {
        lock (gate)
        {
            long? next = null;
            foreach (var recipient in QueuedPushRecipients())
            {
                using var command = Command("SELECT min(next_attempt_ms) FROM messages WHERE status = $q AND channel = 'push' AND recipient = $r", null, ("$q", MessageStatus.Queued), ("$r", recipient));
                if (command.ExecuteScalar() is long ms && (next is null || ms < next))
                {
                    next = ms;
                }
            }

            return next is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
        }
    }

    // The agencies with queued push messages, one index seek each (a skip scan SQLite does not do by itself): a
    // DISTINCT would walk every queued message.
    private List<string> QueuedPushRecipients()
    {
        using var command = Command(
            """
            WITH RECURSIVE agencies(recipient) AS (
                SELECT min(recipient) FROM messages WHERE status = $q AND channel = 'push'
                UNION ALL
                SELECT (SELECT min(recipient) FROM messages WHERE status = $q AND channel = 'push' AND recipient > agencies.recipient)
                FROM agencies WHERE agencies.recipient IS NOT NULL)
            SELECT recipient FROM agencies WHERE recipient IS NOT NULL
            """,
            null, ("$q", MessageStatus.Queued));
        using var reader = command.ExecuteReader();
        var recipients = new List<string>();
        while (reader.Read())
        {
            recipients.Add(reader.GetString(0));
        }

        return recipients;
    }

    /// <summary>Records a push answered 2xx. False when the message was no longer queued (e.g. cancelled meanwhile).</summary>
    public bool MarkDelivered(string messageId, TransactionWork? alsoInTransaction = null) =>
        Transition(messageId, MessageStatus.Queued, MessageStatus.Delivered, null, null, alsoInTransaction);

    /// <summary>Records a failed attempt and when to try again.</summary>
    public bool MarkRetry(string messageId, DateTimeOffset nextAttempt, string error, TransactionWork? alsoInTransaction = null) =>
        Transition(messageId, MessageStatus.Queued, MessageStatus.Queued, error, nextAttempt.ToUnixTimeMilliseconds(), alsoInTransaction);

    /// <summary>Gives up on a message: a 4xx answer, or retries exhausted.</summary>
    public bool MarkDeadLetter(string messageId, string error, TransactionWork? alsoInTransaction = null) =>
        Transition(messageId, MessageStatus.Queued, MessageStatus.DeadLetter, error, null, alsoInTransaction);

    /// <summary>The messages waiting for an agency (queued or fetched but not yet acknowledged), oldest first.</summary>
    public IReadOnlyList<MailboxEntry> Mailbox(string agencyId)
    {
        lock (gate)
        {
            using var command = Command(
                "SELECT message_id, submission_id, event_type, created_ms, size, status FROM messages WHERE recipient = $a AND channel = 'mailbox' AND status IN ($q, $d) ORDER BY created_ms, message_id",
                null, ("$a", agencyId), ("$q", MessageStatus.Queued), ("$d", MessageStatus.Delivered));
            using var reader = command.ExecuteReader();
            var entries = new List<MailboxEntry>();
            while (reader.Read())
            {
                entries.Add(new MailboxEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetInt64(4), reader.GetString(5)));
            }

            return entries;
        }
    }

    /// <summary>
    /// The package of a mailbox message addressed to this agency and not yet acknowledged; the first fetch marks it
    /// delivered. Null for a message that does not exist, is another agency's, or is no longer available.
    /// </summary>
    public byte[]? Fetch(string agencyId, string messageId, TransactionWork? alsoInTransaction = null)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            using var command = Command("SELECT package, status FROM messages WHERE message_id = $m AND recipient = $a AND channel = 'mailbox'", transaction, ("$m", messageId), ("$a", agencyId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var package = (byte[])reader.GetValue(0);
            var status = reader.GetString(1);
            reader.Close();
            if (status is not (MessageStatus.Queued or MessageStatus.Delivered))
            {
                return null;
            }

            if (status == MessageStatus.Queued)
            {
                Run("UPDATE messages SET status = $d, attempts = attempts + 1, updated_ms = $now WHERE message_id = $m", transaction, ("$d", MessageStatus.Delivered), ("$now", NowMs()), ("$m", messageId));
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return package;
        }
    }

    /// <summary>Acknowledges a mailbox message of this agency. False when there is no such message waiting.</summary>
    public bool Acknowledge(string agencyId, string messageId, TransactionWork? alsoInTransaction = null)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var changed = Run(
                "UPDATE messages SET status = $ack, updated_ms = $now WHERE message_id = $m AND recipient = $a AND channel = 'mailbox' AND status IN ($q, $d)",
                transaction, ("$ack", MessageStatus.Acknowledged), ("$now", NowMs()), ("$m", messageId), ("$a", agencyId), ("$q", MessageStatus.Queued), ("$d", MessageStatus.Delivered));
            if (changed == 0)
            {
                return false;
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return true;
        }
    }

    /// <summary>Expires mailbox messages created before the cutoff and still not acknowledged; returns their ids.</summary>
    public IReadOnlyList<string> ExpireMailbox(DateTimeOffset createdBefore, Action<IReadOnlyList<string>, SqliteConnection, SqliteTransaction>? alsoInTransaction = null)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var ids = Ids(
                "SELECT message_id FROM messages WHERE channel = 'mailbox' AND status IN ($q, $d) AND created_ms < $cutoff",
                transaction, ("$q", MessageStatus.Queued), ("$d", MessageStatus.Delivered), ("$cutoff", createdBefore.ToUnixTimeMilliseconds()));
            foreach (var id in ids)
            {
                Run("UPDATE messages SET status = $e, last_error = 'not acknowledged in time', updated_ms = $now WHERE message_id = $m", transaction, ("$e", MessageStatus.Expired), ("$now", NowMs()), ("$m", id));
            }

            if (ids.Count > 0)
            {
                alsoInTransaction?.Invoke(ids, connection, transaction);
            }

            transaction.Commit();
            return ids;
        }
    }

    /// <summary>Per-recipient state of a submission, in the order the decisions were made.</summary>
    public IReadOnlyList<TrackingLine> Track(string submissionId)
    {
        lock (gate)
        {
            using var command = Command("""
                SELECT d.recipient, d.recipient_type, d.outcome, d.reason, d.message_id, m.status, coalesce(m.attempts, 0), m.last_error, m.updated_ms
                FROM decisions d LEFT JOIN messages m ON m.message_id = d.message_id
                WHERE d.submission_id = $s ORDER BY d.rowid
                """, null, ("$s", submissionId));
            using var reader = command.ExecuteReader();
            var lines = new List<TrackingLine>();
            while (reader.Read())
            {
                var status = NullableString(reader, 5) ?? "withheld";
                lines.Add(new TrackingLine(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), NullableString(reader, 4), status,
                    reader.GetInt32(6), NullableString(reader, 7), reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
            }

            return lines;
        }
    }

    /// <summary>Message counts by state.</summary>
    public OutboxTotals Totals()
    {
        lock (gate)
        {
            using var command = Command("SELECT status, count(*) FROM messages GROUP BY status", null);
            using var reader = command.ExecuteReader();
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            while (reader.Read())
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }

            long Count(string status) => counts.GetValueOrDefault(status);
            return new OutboxTotals(counts.Values.Sum(), Count(MessageStatus.Queued), Count(MessageStatus.Delivered), Count(MessageStatus.Acknowledged),
                Count(MessageStatus.DeadLetter), Count(MessageStatus.Expired), Count(MessageStatus.Cancelled));
        }
    }

    /// <summary>Messages for an administrator, newest first, optionally only those in one state.</summary>
    public IReadOnlyList<OutboxLine> List(string? status, int max)
    {
        lock (gate)
        {
            using var command = Command(
                "SELECT message_id, submission_id, recipient, channel, status, attempts, last_error, created_ms FROM messages WHERE ($s IS NULL OR status = $s) ORDER BY created_ms DESC, message_id LIMIT $max",
                null, ("$s", status), ("$max", max));
            using var reader = command.ExecuteReader();
            var lines = new List<OutboxLine>();
            while (reader.Read())
            {
                lines.Add(new OutboxLine(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                    NullableString(reader, 6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
            }

            return lines;
        }
    }

    /// <summary>Puts a dead-lettered or expired message back in the queue with a fresh retry window. False when it is in another state.</summary>
    public bool Retry(string messageId, TransactionWork? alsoInTransaction = null)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var now = NowMs();
            var changed = Run(
                "UPDATE messages SET status = $q, attempts = 0, next_attempt_ms = $now, window_start_ms = $now, created_ms = CASE WHEN channel = 'mailbox' THEN $now ELSE created_ms END, updated_ms = $now WHERE message_id = $m AND status IN ($dl, $e)",
                transaction, ("$q", MessageStatus.Queued), ("$now", now), ("$m", messageId), ("$dl", MessageStatus.DeadLetter), ("$e", MessageStatus.Expired));
            if (changed == 0)
            {
                return false;
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return true;
        }
    }

    /// <summary>Cancels a message not yet delivered. False when it is in another state.</summary>
    public bool Cancel(string messageId, string reason, TransactionWork? alsoInTransaction = null)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var changed = Run("UPDATE messages SET status = $c, last_error = $r, updated_ms = $now WHERE message_id = $m AND status = $q", transaction,
                ("$c", MessageStatus.Cancelled), ("$r", reason), ("$now", NowMs()), ("$m", messageId), ("$q", MessageStatus.Queued));
            if (changed == 0)
            {
                return false;
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return true;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => connection.Dispose();

    /// <summary>
    /// Proves the database takes writes (a header write, rolled back): SQLite opens a read-only file without complaint
    /// and would fail only at the first submission.
    /// </summary>
    public void ProveWritable()
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            using var read = SqliteCommands.Create(connection, transaction, "PRAGMA user_version");
            var version = Convert.ToInt64(read.ExecuteScalar(), CultureInfo.InvariantCulture);
            Run($"PRAGMA user_version = {version}", transaction);
            transaction.Rollback();
        }
    }

    /// <summary>
    /// Test hook: makes the gateway's own connection fail as a full or read-only disk would (both settings hold for
    /// this connection only), or behave normally again, as when space returns.
    /// </summary>
    public void Simulate(SimulatedStorageFault fault)
    {
        lock (gate)
        {
            // 4294967294 is SQLite's largest page count: "no cap". A cap below the current size is raised to it.
            Run(fault == SimulatedStorageFault.Full ? "PRAGMA max_page_count = 1" : "PRAGMA max_page_count = 4294967294", null);
            Run(fault == SimulatedStorageFault.ReadOnly ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0", null);
        }
    }

    private void InsertMessages(SqliteTransaction transaction, string submissionId, string eventType, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages, long now)
    {
        foreach (var message in messages)
        {
            Run("""
                INSERT INTO messages(message_id, submission_id, recipient, recipient_type, channel, endpoint, event_type, package, size, status, created_ms, window_start_ms, attempts, next_attempt_ms, updated_ms)
                VALUES($id, $submission, $recipient, $type, $channel, $endpoint, $event, $package, $size, $status, $now, $now, 0, $now, $now)
                """, transaction,
                ("$id", message.MessageId), ("$submission", submissionId), ("$recipient", message.Recipient), ("$type", message.RecipientType),
                ("$channel", ChannelName(message.Channel)), ("$endpoint", message.Endpoint), ("$event", eventType), ("$package", message.Package),
                ("$size", message.Package.LongLength), ("$status", MessageStatus.Queued), ("$now", now));
            foreach (var key in personKeys)
            {
                Run("INSERT OR IGNORE INTO message_persons(message_id, person_key) VALUES($m, $k)", transaction, ("$m", message.MessageId), ("$k", key));
            }
        }
    }

    // Cancels the person's undelivered messages: all of them on a withdrawal (types null), else those of the given types.
    private List<CancelledMessage> CancelQueuedFor(IReadOnlyList<string> personKeys, IReadOnlyList<string>? types, long now, SqliteTransaction transaction)
    {
        var cancelled = new List<CancelledMessage>();
        foreach (var key in personKeys)
        {
            var queued = Rows(
                "SELECT m.message_id, m.recipient_type FROM message_persons p JOIN messages m ON m.message_id = p.message_id WHERE p.person_key = $k AND m.status = $q",
                transaction, r => (Id: r.GetString(0), Type: r.GetString(1)), ("$k", key), ("$q", MessageStatus.Queued));
            foreach (var (id, type) in queued.Where(m => types is null || types.Contains(m.Type, StringComparer.Ordinal)))
            {
                var reason = types is null ? "consent withdrawn" : $"consent withdrawn for {type} recipients: a newer record no longer shares with them";
                Run("UPDATE messages SET status = $c, last_error = $r, updated_ms = $now WHERE message_id = $m", transaction, ("$c", MessageStatus.Cancelled), ("$r", reason), ("$now", now), ("$m", id));
                cancelled.Add(new CancelledMessage(id, type, types is null ? CancelCause.Withdrawal : CancelCause.ConsentNarrowed, reason));
            }
        }

        return cancelled;
    }

    private bool Transition(string messageId, string from, string to, string? error, long? nextAttemptMs, TransactionWork? alsoInTransaction)
    {
        lock (gate)
        {
            using var transaction = connection.BeginTransaction();
            var changed = Run(
                "UPDATE messages SET status = $to, attempts = attempts + 1, last_error = $e, next_attempt_ms = coalesce($next, next_attempt_ms), updated_ms = $now WHERE message_id = $m AND status = $from",
                transaction, ("$to", to), ("$e", error), ("$next", nextAttemptMs), ("$now", NowMs()), ("$m", messageId), ("$from", from));
            if (changed == 0)
            {
                return false;
            }

            alsoInTransaction?.Invoke(connection, transaction);
            transaction.Commit();
            return true;
        }
    }

    private StoredSubmission? FindSubmission(string submissionId, SqliteTransaction? transaction)
    {
        using var command = Command("SELECT submission_id, sender, event_type, body_sha256, response FROM submissions WHERE submission_id = $id", transaction, ("$id", submissionId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredSubmission(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)) : null;
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string ChannelName(DeliveryChannel channel) => channel == DeliveryChannel.Push ? "push" : "mailbox";

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private List<string> Ids(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters) =>
        Rows(sql, transaction, r => r.GetString(0), parameters);

    private List<T> Rows<T>(string sql, SqliteTransaction? transaction, Func<SqliteDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private int Run(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters) =>
        SqliteCommands.Create(connection, transaction, sql, parameters);

    /// <summary>Formats a stored time for people.</summary>
    public static string Format(DateTimeOffset value) => value.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
