using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage;

/// <summary>
/// The continuity report's facts: one row per accepted release record or engagement report, written in the transaction
/// that accepts it (the packages are sealed, so nothing can be read back from them later). Rows hold agency codes, dates,
/// flags and the person's keys (to link a person's records); the report never shows the keys.
/// </summary>
public interface IReleaseFactsStore
{
    /// <summary>Records a release record's facts, accepted now by the store's clock; a submission's facts are recorded once.</summary>
    void Record(string submissionId, IReadOnlyList<string> personKeys, ReleaseFacts facts);

    /// <summary>Records an engagement report's facts, accepted now by the store's clock; a submission's facts are recorded once.</summary>
    void Record(string submissionId, IReadOnlyList<string> personKeys, EngagementFacts facts);

    /// <summary>Every row of facts, by acceptance time.</summary>
    IReadOnlyList<FactsRow> List();

    /// <summary>
    /// Every message a release record produced, with when it was delivered: its last change, when its status is delivered
    /// (pushed with a 2xx or fetched) or acknowledged; none while queued, or when dead-lettered, expired or cancelled.
    /// </summary>
    IReadOnlyList<RecordDelivery> Deliveries();

    /// <summary>Every business response to a message a release record produced.</summary>
    IReadOnlyList<RecordAnswer> Answers();
}
