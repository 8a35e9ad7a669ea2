using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Relational;

/// <summary>The continuity report's facts: one row per release record or engagement report, and what became of the release records' messages.</summary>
internal sealed class SqlReleaseFactsStore(DbSession db, TimeProvider time) : IReleaseFactsStore
{
    private const string FactColumns = """
        submission_id, event_type, prison, cjit_area, gp_practice, release_date, planned, on_ost, bridging, opioid_user, naloxone,
        first_appointment, engagement_outcome, engagement_date, person_keys, accepted_ms
        """;

    // The release records: messages and responses are looked at only for these.
    private const string ReleaseRecords = "SELECT submission_id FROM release_facts WHERE event_type <> 'engagement'";

    public void Record(string submissionId, IReadOnlyList<string> personKeys, ReleaseFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        Insert(submissionId, personKeys, facts.EventType, facts.Prison, facts.CjitArea, facts.GpPractice, Date(facts.ReleaseDate),
            Flag(facts.Planned), Flag(facts.OnOst), Flag(facts.Bridging), Flag(facts.OpioidUser), Flag(facts.Naloxone), Flag(facts.FirstAppointment), null, null);
    }

    public void Record(string submissionId, IReadOnlyList<string> personKeys, EngagementFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        Insert(submissionId, personKeys, EventTypes.Engagement, null, null, null, null, null, null, null, null, null, null, facts.Outcome, Date(facts.Date));
    }

    public IReadOnlyList<FactsRow> List() => db.Rows($"SELECT {FactColumns} FROM release_facts ORDER BY accepted_ms, submission_id", Read);

    public IReadOnlyList<RecordDelivery> Deliveries() => db.Rows(
        // Only the record's own messages, queued when it was accepted: reminders, prompts and alerts queued later under the
        // same submission id are not the record.
        $"SELECT m.submission_id, m.recipient_type, m.status, m.updated_ms FROM messages m JOIN submissions s ON s.submission_id = m.submission_id WHERE m.submission_id IN ({ReleaseRecords}) AND m.created_ms = s.received_ms ORDER BY m.submission_id, m.recipient",
        r => new RecordDelivery(r.GetString(0), r.GetString(1),
            r.GetString(2) is MessageStatus.Delivered or MessageStatus.Acknowledged ? Columns.Time(r, 3) : null));

    public IReadOnlyList<RecordAnswer> Answers() => db.Rows(
        $"""
        SELECT m.submission_id, m.recipient_type, r.outcome, r.at_ms FROM responses r JOIN messages m ON m.message_id = r.message_id
        WHERE m.submission_id IN ({ReleaseRecords}) ORDER BY m.submission_id, r.at_ms
        """,
        r => new RecordAnswer(r.GetString(0), r.GetString(1), r.GetString(2), Columns.Time(r, 3)));

    private void Insert(string submissionId, IReadOnlyList<string> personKeys, string eventType, string? prison, string? cjitArea, string? gpPractice,
        string? releaseDate, int? planned, int? onOst, int? bridging, int? opioidUser, int? naloxone, int? firstAppointment, string? outcome, string? engagementDate)
    {
        ArgumentNullException.ThrowIfNull(personKeys);

        // ON CONFLICT: the same submission accepted again (another instance, a repeat) keeps the facts first recorded.
        db.Run($"""
            INSERT INTO release_facts({FactColumns})
            VALUES(@s, @e, @p, @c, @g, @d, @planned, @ost, @bridging, @opioid, @naloxone, @first, @outcome, @date, @k, @now)
            ON CONFLICT (submission_id) DO NOTHING
            """,
            ("@s", submissionId), ("@e", eventType), ("@p", prison), ("@c", cjitArea), ("@g", gpPractice), ("@d", releaseDate),
            ("@planned", planned), ("@ost", onOst), ("@bridging", bridging), ("@opioid", opioidUser), ("@naloxone", naloxone), ("@first", firstAppointment),
            ("@outcome", outcome), ("@date", engagementDate), ("@k", JsonSerializer.Serialize(personKeys)), ("@now", time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    private static FactsRow Read(DbDataReader r)
    {
        var eventType = r.GetString(1);
        var keys = JsonSerializer.Deserialize<List<string>>(r.GetString(14)) ?? [];
        var release = eventType == EventTypes.Engagement
            ? null
            : new ReleaseFacts(eventType, r.GetString(2), Columns.Text(r, 3), Columns.Text(r, 4), ParseDate(Columns.Text(r, 5)),
                IsSet(r, 6), IsSet(r, 7), IsSet(r, 8), IsSet(r, 9), IsSet(r, 10), IsSet(r, 11));
        var engagement = eventType == EventTypes.Engagement ? new EngagementFacts(r.GetString(12), ParseDate(r.GetString(13))!.Value) : null;
        return new FactsRow(r.GetString(0), keys, Columns.Time(r, 15), release, engagement);
    }

    private static int Flag(bool value) => value ? 1 : 0;

    private static bool IsSet(DbDataReader r, int ordinal) => !r.IsDBNull(ordinal) && Columns.Int(r, ordinal) == 1;

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDate(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
