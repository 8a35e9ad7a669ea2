namespace ExchangeGateway.Domain;

/// <summary>One stored row of report facts: a release record's or an engagement report's, with the person's keys and when it was accepted.</summary>
public sealed record FactsRow(string SubmissionId, IReadOnlyList<string> PersonKeys, DateTimeOffset AcceptedAt, ReleaseFacts? Release, EngagementFacts? Engagement);

/// <summary>One message a release record produced: the recipient's type, and when it was delivered (pushed with a 2xx, or fetched) if it has been.</summary>
/// <remarks><see cref="DeliveredAt"/> is the message's last delivery step (push, fetch, or acknowledgement); null while it is queued or after it failed.</remarks>
public sealed record RecordDelivery(string SubmissionId, string RecipientType, DateTimeOffset? DeliveredAt);

/// <summary>A business response to a message a release record produced: the responder's type, the outcome and when.</summary>
public sealed record RecordAnswer(string SubmissionId, string RecipientType, string Outcome, DateTimeOffset At);

/// <summary>A planned release the overdue check found unrecorded by noon on the day: the notice it was scheduled from, the person, the date.</summary>
public sealed record OverdueRelease(string SubmissionId, IReadOnlyList<string> PersonKeys, DateOnly ReleaseDate);

/// <summary>Everything the continuity report is computed from, as the store returns it.</summary>
public sealed record ContinuityInputs(
    IReadOnlyList<FactsRow> Facts,
    IReadOnlyList<RecordDelivery> Deliveries,
    IReadOnlyList<RecordAnswer> Answers,
    IReadOnlyList<OverdueRelease> Overdue);
