namespace ExchangeGateway.Storage;

/// <summary>Submissions, what is remembered about the people they are about, and per-recipient tracking.</summary>
public interface ISubmissionStore
{
    /// <summary>The submission stored under this id, or null.</summary>
    StoredSubmission? Find(string submissionId);

    /// <summary>What is remembered about the first of these person keys that is known, or null.</summary>
    PersonMemory? Remembered(IReadOnlyList<string> personKeys);

    /// <summary>
    /// Locks the person's rows (every key, in order, creating empty ones) until the unit of work ends, so no other
    /// instance changes or acts on what is remembered meanwhile, and returns what is remembered.
    /// </summary>
    PersonMemory? LockPersons(IReadOnlyList<string> personKeys);

    /// <summary>
    /// Stores a submission with its decisions and packages, unless its id is taken (by any instance): the same body is a
    /// repeat (nothing written), another body a conflict. A withdrawal, or consent narrowed to fewer recipient types,
    /// cancels the person's queued messages of those types. With <see cref="AcceptedSubmission.DecidedOn"/>, the person
    /// is locked first and a memory changed since the decisions throws <see cref="StaleDecisionException"/>.
    /// </summary>
    AcceptResult Accept(AcceptedSubmission submission);

    /// <summary>Queues more messages under an already stored submission (a reminder re-sealed from its notice).</summary>
    void Enqueue(string submissionId, string eventType, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages);

    /// <summary>The person keys a message was stored with (for audit entries about it).</summary>
    IReadOnlyList<string> PersonKeysOf(string messageId);

    /// <summary>Per-recipient state of a submission, in the order the decisions were made.</summary>
    IReadOnlyList<TrackingLine> Track(string submissionId);
}

/// <summary>A sending channel's queue (push, MESH): due messages are claimed with a lease so one instance at a time attempts each.</summary>
public interface IOutboxQueue
{
    /// <summary>
    /// Claims up to <paramref name="max"/> push messages due now, oldest first, leaving out <paramref name="skip"/> and
    /// agencies in <paramref name="busyAgencies"/>, and at most <paramref name="roomFor"/>(agency) for each agency (all of
    /// <paramref name="max"/> when null): each claimed message is not due again for any instance until
    /// <paramref name="lease"/> has passed, so a killed instance's claims come back after it. A message left unclaimed for
    /// want of room stays due, so the next claim takes it as soon as the agency has room.
    /// </summary>
    IReadOnlyList<DueMessage> Claim(int max, IReadOnlyCollection<string> skip, IReadOnlyCollection<string> busyAgencies, string claimant, TimeSpan lease, Func<string, int>? roomFor = null);

    /// <summary>When the next queued push message falls due (a lease's end included), or null when none is queued.</summary>
    DateTimeOffset? NextDue();

    /// <summary>
    /// Records a message its receiver took (a push answered 2xx, a package MESH accepted), with the id the receiver gave it
    /// when it gave one (MESH's message id, kept beside the message). False when the message was no longer queued (cancelled
    /// meanwhile) or, with <paramref name="claim"/>, when this claim is no longer the message's (its lease ran out and
    /// another instance took it).
    /// </summary>
    bool MarkDelivered(string messageId, string? claim = null, string? receiverId = null);

    /// <summary>Records a failed attempt and when to try again (false as for <see cref="MarkDelivered"/>).</summary>
    bool MarkRetry(string messageId, DateTimeOffset nextAttempt, string error, string? claim = null);

    /// <summary>Gives up on a message: a 4xx answer, or retries exhausted (false as for <see cref="MarkDelivered"/>).</summary>
    bool MarkDeadLetter(string messageId, string error, string? claim = null);
}

/// <summary>The mailboxes agencies pull from.</summary>
public interface IMailboxStore
{
    /// <summary>The messages waiting for an agency (queued or fetched but not yet acknowledged), oldest first.</summary>
    IReadOnlyList<MailboxEntry> List(string agencyId);

    /// <summary>
    /// The package of a mailbox message addressed to this agency and not yet acknowledged; the first fetch marks it
    /// delivered (once, whichever instance serves it). Null for a message that does not exist, is another agency's, or
    /// is no longer available.
    /// </summary>
    byte[]? Fetch(string agencyId, string messageId);

    /// <summary>Acknowledges a mailbox message of this agency. False when there is no such message waiting.</summary>
    bool Acknowledge(string agencyId, string messageId);

    /// <summary>Expires mailbox messages created before the cutoff and still not acknowledged; returns the ids this call expired.</summary>
    IReadOnlyList<string> Expire(DateTimeOffset createdBefore);
}

/// <summary>The outbox for an administrator and the verifier.</summary>
public interface IOutboxAdmin
{
    /// <summary>Message counts by state.</summary>
    OutboxTotals Totals();

    /// <summary>Messages newest first, optionally only those in one state.</summary>
    IReadOnlyList<OutboxLine> List(string? status, int max);

    /// <summary>
    /// Per agency, what the operator console shows: submissions received from it, messages addressed to it by state, its
    /// business answers, and its oldest pending message. Every agency that sent or was sent anything, ordered by id.
    /// </summary>
    IReadOnlyList<AgencyCounts> ByAgency();

    /// <summary>Puts a dead-lettered or expired message back in the queue with a fresh retry window. False when it is in another state.</summary>
    bool Retry(string messageId);

    /// <summary>Cancels a message not yet delivered (queued, dead-lettered or expired). False when it is in another state or being pushed right now.</summary>
    bool Cancel(string messageId, string reason);

    /// <summary>How many submissions and messages are stored.</summary>
    (long Submissions, long Messages) Counts();

    /// <summary>Every stored submission id, oldest first.</summary>
    IReadOnlyList<string> SubmissionIds();

    /// <summary>Every stored message's id, channel, status and attempts, oldest first.</summary>
    IReadOnlyList<StoredMessageState> MessageStates();

    /// <summary>Per recipient agency with queued messages: how many, and when the oldest was created (one grouped read, for metrics).</summary>
    IReadOnlyList<PendingForAgency> PendingByAgency();
}

/// <summary>A stored message as the audit cross-check sees it.</summary>
public sealed record StoredMessageState(string MessageId, string Channel, string Status, long Attempts);

/// <summary>The messages queued for one agency (not yet pushed with a 2xx, or not yet fetched from its mailbox).</summary>
public sealed record PendingForAgency(string Agency, long Count, DateTimeOffset OldestCreatedAt);

/// <summary>Messages sent through MESH: the MESH message id beside each, and what MESH later says of them.</summary>
public interface IMeshStore
{
    /// <summary>The message MESH knows by <paramref name="meshMessageId"/>, or null.</summary>
    MeshSentMessage? MessageFor(string meshMessageId);

    /// <summary>The MESH message id of a message, or null while it has none.</summary>
    string? MeshIdOf(string messageId);

    /// <summary>Messages handed to MESH and not yet settled whose tracking was last asked before <paramref name="trackedBefore"/>, least recently asked first.</summary>
    IReadOnlyList<MeshSentMessage> Unsettled(int max, DateTimeOffset trackedBefore);

    /// <summary>Its tracking was asked now.</summary>
    void MarkTracked(string messageId);

    /// <summary>The recipient acknowledged the message in MESH; false unless it was delivered to MESH.</summary>
    bool MarkAcknowledged(string messageId);

    /// <summary>
    /// MESH reported the send <paramref name="meshMessageId"/> undeliverable (e.g. not collected in 5 days): expired, which its
    /// sender sees as undeliverable; false when the message is not delivered under that MESH id (e.g. retried since).
    /// </summary>
    bool MarkUndeliverable(string messageId, string meshMessageId, string reason);
}

/// <summary>A message MESH has taken, and the id MESH gave it.</summary>
public sealed record MeshSentMessage(string MessageId, string MeshMessageId, string Recipient);
