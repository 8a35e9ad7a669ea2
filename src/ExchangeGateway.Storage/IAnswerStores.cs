namespace ExchangeGateway.Storage;

/// <summary>A stored message as the agency it is addressed to may act on it: what it answers, who sent it, how it was delivered.</summary>
public sealed record AddressedMessage(
    string MessageId,
    string SubmissionId,
    string Sender,
    string EventType,
    string Recipient,
    string RecipientType,
    DeliveryChannel Channel,
    string Status,
    DateTimeOffset CreatedAt);

/// <summary>A business response as stored: its canonical JSON body (outcome, by, reason, note, cannotContinue), who gave it and when.</summary>
public sealed record StoredResponse(string MessageId, string Responder, string Outcome, string Body, DateTimeOffset At, string? NoticeMessageId);

/// <summary>Business responses: one per message, given by the agency the message was addressed to.</summary>
public interface IResponseStore
{
    /// <summary>The message, when it exists and is addressed to <paramref name="agencyId"/>; null otherwise (the caller must not learn which).</summary>
    AddressedMessage? Addressed(string messageId, string agencyId);

    /// <summary>The response stored for a message, or null.</summary>
    StoredResponse? Find(string messageId);

    /// <summary>Stores a response unless the message has one already (from any instance); false then, and nothing is written.</summary>
    bool Record(StoredResponse response);
}

/// <summary>The states of an escalation; the strings are what the database and <c>exg schedule list</c> show.</summary>
public static class EscalationStatus
{
    /// <summary>Waiting: the loop has not closed and the deadline has not passed.</summary>
    public const string Pending = "pending";

    /// <summary>The deadline passed with the loop still open: the alert was sent.</summary>
    public const string Escalated = "escalated";

    /// <summary>The answer, reply or report arrived in time: no alert.</summary>
    public const string Answered = "answered";

    /// <summary>Replaced by the escalation of a newer record for the same person.</summary>
    public const string Moved = "moved";

    /// <summary>Settled without an alert: the person withdrew consent, or no longer shares with the agency it waited on.</summary>
    public const string Withdrawn = "withdrawn";
}

/// <summary>An escalation to raise: what it waits for, by when, who is alerted, and the record the alert is about.</summary>
public sealed record NewEscalation(
    string Kind,
    DateTimeOffset DueAt,
    string SubmissionId,
    string? WatchRecipient,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> PersonKeys,
    string SourceJson);

/// <summary>One escalation as stored.</summary>
public sealed record EscalationEntry(
    string EntryId,
    string Kind,
    DateTimeOffset DueAt,
    string SubmissionId,
    string? WatchRecipient,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> PersonKeys,
    string Status,
    DateTimeOffset UpdatedAt,
    string? Detail);

/// <summary>A due escalation with the canonical JSON of the record its alert is about.</summary>
public sealed record DueEscalation(EscalationEntry Entry, string SourceJson);

/// <summary>
/// Escalations: raised when a record is accepted, closed when its answer arrives, fired when the deadline passes first.
/// Every change is conditional on the entry still being pending, so an answer and a deadline racing on two instances
/// settle it once.
/// </summary>
public interface IEscalationStore
{
    /// <summary>Stores a pending escalation.</summary>
    EscalationEntry Raise(NewEscalation escalation, DateTimeOffset now);

    /// <summary>
    /// Settles the pending escalations of <paramref name="kind"/> watching <paramref name="submissionId"/> (and, when given,
    /// <paramref name="watchRecipient"/>) as <paramref name="status"/>; returns their ids.
    /// </summary>
    IReadOnlyList<string> Close(string kind, string submissionId, string? watchRecipient, string status, string detail, DateTimeOffset now);

    /// <summary>As <see cref="Close"/>, for the person's pending escalations of <paramref name="kind"/> (matched on any of their keys).</summary>
    IReadOnlyList<string> CloseForPerson(string kind, IReadOnlyList<string> personKeys, string? watchRecipient, string status, string detail, DateTimeOffset now);

    /// <summary>Pending escalations due at or before <paramref name="now"/>, earliest first.</summary>
    IReadOnlyList<DueEscalation> Due(DateTimeOffset now, int max = 100);

    /// <summary>Settles a pending escalation as escalated with what was sent; false when it is no longer pending.</summary>
    bool Escalate(string entryId, string detail, DateTimeOffset now);

    /// <summary>Every escalation, by due time.</summary>
    IReadOnlyList<EscalationEntry> List();
}
