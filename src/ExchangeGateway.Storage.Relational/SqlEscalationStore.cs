using System.Data.Common;
using System.Text.Json;

namespace ExchangeGateway.Storage.Relational;

/// <summary>The escalations table; every state change is conditional on the entry still being pending.</summary>
internal sealed class SqlEscalationStore(DbSession db) : IEscalationStore
{
    private const string EntryColumns = "e.entry_id, e.kind, e.due_ms, e.submission_id, e.watch_recipient, e.recipients, e.person_keys, e.status, e.updated_ms, e.detail";

    public EscalationEntry Raise(NewEscalation escalation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        var id = Guid.CreateVersion7(now).ToString();
        var nowMs = now.ToUnixTimeMilliseconds();
        db.Run("""
            INSERT INTO escalations(entry_id, kind, due_ms, submission_id, watch_recipient, recipients, person_keys, source_json, status, created_ms, updated_ms)
            VALUES(@id, @kind, @due, @s, @w, @r, @k, @j, @p, @now, @now)
            """,
            ("@id", id), ("@kind", escalation.Kind), ("@due", escalation.DueAt.ToUnixTimeMilliseconds()), ("@s", escalation.SubmissionId),
            ("@w", escalation.WatchRecipient), ("@r", JsonSerializer.Serialize(escalation.Recipients)), ("@k", JsonSerializer.Serialize(escalation.PersonKeys)),
            ("@j", escalation.SourceJson), ("@p", EscalationStatus.Pending), ("@now", nowMs));
        foreach (var key in escalation.PersonKeys.Distinct(StringComparer.Ordinal))
        {
            db.Run("INSERT INTO escalation_persons(entry_id, person_key) VALUES(@id, @k)", ("@id", id), ("@k", key));
        }

        return new EscalationEntry(id, escalation.Kind, DateTimeOffset.FromUnixTimeMilliseconds(escalation.DueAt.ToUnixTimeMilliseconds()), escalation.SubmissionId,
            escalation.WatchRecipient, escalation.Recipients, escalation.PersonKeys, EscalationStatus.Pending, DateTimeOffset.FromUnixTimeMilliseconds(nowMs), null);
    }

    public IReadOnlyList<string> Close(string kind, string submissionId, string? watchRecipient, string status, string detail, DateTimeOffset now)
    {
        var ids = db.Rows(
            $"SELECT e.entry_id FROM escalations e WHERE e.submission_id = @s AND e.kind = @kind AND e.status = @p{Watching(watchRecipient)} ORDER BY e.due_ms, e.entry_id",
            r => r.GetString(0), [("@s", submissionId), ("@kind", kind), ("@p", EscalationStatus.Pending), .. Watched(watchRecipient)]);
        return Settle(ids, status, detail, now);
    }

    public IReadOnlyList<string> CloseForPerson(string kind, IReadOnlyList<string> personKeys, string? watchRecipient, string status, string detail, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        var ids = new List<string>();
        foreach (var key in personKeys)
        {
            // CROSS JOIN keeps SQLite's join order: by the person first. With a plain JOIN its planner took the
            // (status, due_ms) index and walked every pending escalation for each accept, which grew without bound
            // in a backfill. PostgreSQL plans it like any inner join.
            ids.AddRange(db.Rows($"""
                SELECT e.entry_id FROM escalation_persons p CROSS JOIN escalations e
                WHERE e.entry_id = p.entry_id AND p.person_key = @k AND e.kind = @kind AND e.status = @p{Watching(watchRecipient)} ORDER BY e.due_ms, e.entry_id
                """,
                r => r.GetString(0), [("@k", key), ("@kind", kind), ("@p", EscalationStatus.Pending), .. Watched(watchRecipient)]));
        }

        return Settle([.. ids.Distinct(StringComparer.Ordinal)], status, detail, now);
    }

    public IReadOnlyList<DueEscalation> Due(DateTimeOffset now, int max = 100) => db.Rows(
        $"SELECT {EntryColumns}, e.source_json FROM escalations e WHERE e.status = @p AND e.due_ms <= @now ORDER BY e.due_ms, e.entry_id LIMIT @max",
        r => new DueEscalation(Entry(r), r.GetString(10)),
        ("@p", EscalationStatus.Pending), ("@now", now.ToUnixTimeMilliseconds()), ("@max", (long)max));

    public bool Escalate(string entryId, string detail, DateTimeOffset now) =>
        Settle([entryId], EscalationStatus.Escalated, detail, now).Count == 1;

    public IReadOnlyList<EscalationEntry> List() =>
        db.Rows($"SELECT {EntryColumns} FROM escalations e ORDER BY e.due_ms, e.entry_id", Entry);

    // A condition on the watched agency only when one is given (an untyped null parameter is an error on PostgreSQL).
    private static string Watching(string? watchRecipient) => watchRecipient is null ? "" : " AND e.watch_recipient = @w";

    private static (string, object?)[] Watched(string? watchRecipient) => watchRecipient is null ? [] : [("@w", watchRecipient)];

    private List<string> Settle(IReadOnlyList<string> ids, string status, string detail, DateTimeOffset now)
    {
        if (status == EscalationStatus.Pending)
        {
            throw new ArgumentException("an escalation is settled into a final state, not back to pending", nameof(status));
        }

        return [.. ids.Where(id => db.Run(
            "UPDATE escalations SET status = @to, detail = @d, updated_ms = @now WHERE entry_id = @id AND status = @p",
            ("@to", status), ("@d", detail), ("@now", now.ToUnixTimeMilliseconds()), ("@id", id), ("@p", EscalationStatus.Pending)) == 1)];
    }

    private static EscalationEntry Entry(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Columns.Time(reader, 2),
        reader.GetString(3),
        Columns.Text(reader, 4),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
        JsonSerializer.Deserialize<List<string>>(reader.GetString(6)) ?? [],
        reader.GetString(7),
        Columns.Time(reader, 8),
        Columns.Text(reader, 9));
}
