using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage;

/// <summary>How a recipient receives: pushed to its endpoint, pulled from its mailbox on the gateway, or sent through MESH.</summary>
public enum DeliveryChannel
{
    /// <summary>The gateway POSTs the package to the agency's endpoint.</summary>
    Push,

    /// <summary>The agency fetches the package from its mailbox and acknowledges it.</summary>
    Mailbox,

    /// <summary>The gateway sends the package to the agency's MESH mailbox (the endpoint column holds mailbox/workflow).</summary>
    Mesh,
}

/// <summary>The one spelling of each delivery channel, as the database, the metrics and the audit trail show it.</summary>
public static class DeliveryChannelNames
{
    /// <summary>Pushed to an endpoint.</summary>
    public const string Push = "push";

    /// <summary>Pulled from the gateway's mailbox.</summary>
    public const string Mailbox = "mailbox";

    /// <summary>Sent through MESH.</summary>
    public const string Mesh = "mesh";

    /// <summary>The spelling of a channel.</summary>
    public static string Of(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Push => Push,
        DeliveryChannel.Mailbox => Mailbox,
        DeliveryChannel.Mesh => Mesh,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "not a delivery channel"),
    };

    /// <summary>The channel a stored spelling names.</summary>
    public static DeliveryChannel Parse(string name) => name switch
    {
        Push => DeliveryChannel.Push,
        Mailbox => DeliveryChannel.Mailbox,
        Mesh => DeliveryChannel.Mesh,
        _ => throw new FormatException($"'{name}' is not a delivery channel"),
    };
}

/// <summary>The states a stored message moves through; the strings are what the database and the API show.</summary>
public static class MessageStatus
{
    /// <summary>Waiting to be pushed, or waiting in the mailbox.</summary>
    public const string Queued = "queued";

    /// <summary>Pushed with a 2xx answer, or fetched from the mailbox.</summary>
    public const string Delivered = "delivered";

    /// <summary>A mailbox message the agency acknowledged.</summary>
    public const string Acknowledged = "acknowledged";

    /// <summary>Given up: a 4xx answer, or retries ran out.</summary>
    public const string DeadLetter = "dead-letter";

    /// <summary>A mailbox message not acknowledged in time.</summary>
    public const string Expired = "expired";

    /// <summary>Stopped before delivery because the person withdrew consent, or by an administrator.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>One sealed package to store for one recipient.</summary>
public sealed record OutgoingMessage(string MessageId, string Recipient, string RecipientType, DeliveryChannel Channel, string? Endpoint, byte[] Package);

/// <summary>The consent decision for one recipient of a submission, with the message it produced if any.</summary>
public sealed record RecipientDecision(
    string Recipient,
    string RecipientType,
    string Outcome,
    string Reason,
    string? MessageId,
    string? LegalBasis = null,
    string? AuthorisedBy = null,
    string? Justification = null);

/// <summary>Everything accepting one submission writes, stored in one transaction.</summary>
public sealed record AcceptedSubmission(
    string SubmissionId,
    string Sender,
    string EventType,
    string BodyHash,
    IReadOnlyList<string> PersonKeys,
    IReadOnlyList<RecipientDecision> Decisions,
    IReadOnlyList<OutgoingMessage> Messages,
    string Response,
    KnownAgencies Remember,
    string? WithdrawnAt,
    IReadOnlyList<string>? TypesNotShared = null,
    DecidedOn? DecidedOn = null);

/// <summary>Why consent stopped a message before delivery.</summary>
public enum CancelCause
{
    /// <summary>The person withdrew consent: every undelivered message stops.</summary>
    Withdrawal,

    /// <summary>A newer record no longer shares with the message's recipient type.</summary>
    ConsentNarrowed,
}

/// <summary>A message stopped before delivery because consent no longer covers it, with the reason its sender sees.</summary>
public sealed record CancelledMessage(string MessageId, string RecipientType, CancelCause Cause, string Reason);

/// <summary>What happened to a submission offered to the outbox.</summary>
public enum AcceptOutcome
{
    /// <summary>Stored now.</summary>
    Accepted,

    /// <summary>The same submission was stored before; nothing new was written.</summary>
    Repeated,

    /// <summary>A different body was stored under the same submission id; nothing was written.</summary>
    Conflict,
}

/// <summary>The outcome of <see cref="Outbox.Accept"/>, with the response stored for the submission and the messages a withdrawal cancelled.</summary>
public sealed record AcceptResult(AcceptOutcome Outcome, string Response, IReadOnlyList<CancelledMessage> Cancelled)
{
    /// <summary>The ids of the cancelled messages.</summary>
    public IReadOnlyList<string> CancelledMessageIds => [.. Cancelled.Select(c => c.MessageId)];
}

/// <summary>A stored submission as its sender may see it.</summary>
public sealed record StoredSubmission(string SubmissionId, string Sender, string EventType, string BodyHash, string Response);

/// <summary>A push message whose next attempt is due.</summary>
public sealed record DueMessage(string MessageId, string Recipient, string Endpoint, byte[] Package, int Attempts, long WindowStartMs, string? Claim = null);

/// <summary>A message waiting in an agency's mailbox.</summary>
public sealed record MailboxEntry(string MessageId, string SubmissionId, string EventType, DateTimeOffset CreatedAt, long Size, string Status);

/// <summary>One recipient's line in a submission's tracking.</summary>
public sealed record TrackingLine(
    string Recipient,
    string RecipientType,
    string Decision,
    string Reason,
    string? MessageId,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset? UpdatedAt,
    StoredResponse? Response = null);

/// <summary>What the gateway remembers about a person: the agencies that hold a record, and a consent withdrawal.</summary>
public sealed record PersonMemory(KnownAgencies Agencies, string? WithdrawnAt, IReadOnlyList<string>? NotShared = null)
{
    /// <summary>
    /// True when two memories would lead to the same routing and consent decisions (the same GP, CJIT and community provider, withdrawal and
    /// types not shared); no memory is the same as an empty one.
    /// </summary>
    public static bool Same(PersonMemory? a, PersonMemory? b) =>
        Key(a) == Key(b);

    private static (string? Gp, string? Cjit, string? Provider, string? Withdrawn, string NotShared) Key(PersonMemory? memory) =>
        (memory?.Agencies.GpPractice, memory?.Agencies.CjitArea, memory?.Agencies.CommunityProvider, memory?.WithdrawnAt, string.Join(',', memory?.NotShared ?? []));
}

/// <summary>Message counts by state; accepted always equals the sum of the others.</summary>
public sealed record OutboxTotals(long Accepted, long Pending, long Delivered, long Acknowledged, long DeadLettered, long Expired, long Cancelled)
{
    /// <summary>True when every accepted message is accounted for.</summary>
    public bool Balances => Accepted == Pending + Delivered + Acknowledged + DeadLettered + Expired + Cancelled;
}

/// <summary>
/// One agency's counts for the operator console: submissions it sent; messages addressed to it by state (these
/// add up, over every agency, to <see cref="OutboxTotals"/>); the business answers it gave; its oldest pending message.
/// </summary>
public sealed record AgencyCounts(
    string Agency,
    long Submitted,
    long Queued,
    long Delivered,
    long Acknowledged,
    long DeadLettered,
    long Expired,
    long Cancelled,
    long Accepted,
    long Rejected,
    PendingMessage? OldestPending)
{
    /// <summary>Every message addressed to the agency, in any state.</summary>
    public long Messages => Queued + Delivered + Acknowledged + DeadLettered + Expired + Cancelled;
}

/// <summary>A message still waiting for delivery or collection: its id and when it was queued.</summary>
public sealed record PendingMessage(string MessageId, DateTimeOffset CreatedAt);

/// <summary>One message as an administrator sees it in <c>exg outbox list</c>; its event type says what it is (a record, a reminder, an alert, a notice).</summary>
public sealed record OutboxLine(string MessageId, string SubmissionId, string Recipient, string Channel, string Status, int Attempts, string? LastError, DateTimeOffset CreatedAt, string? EventType = null);

/// <summary>
/// What was remembered about the person when the routing and consent decisions were made outside the transaction; the
/// store refuses the submission (<see cref="StaleDecisionException"/>) when that has changed by the time it is stored.
/// </summary>
public sealed record DecidedOn(PersonMemory? Memory);

/// <summary>Another instance changed what is remembered about the person (a withdrawal, a new GP) after the decisions were made: decide again.</summary>
public sealed class StaleDecisionException() : Exception("what is remembered about the person changed while the submission was being decided");

/// <summary>Formats stored times for people.</summary>
public static class StoredTime
{
    /// <summary>A stored time as people read it, to the millisecond with its offset.</summary>
    public static string Format(DateTimeOffset value) => value.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
}
