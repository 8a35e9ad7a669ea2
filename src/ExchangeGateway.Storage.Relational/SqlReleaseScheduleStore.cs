using ExchangeGateway.Domain;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;

namespace ExchangeGateway.Storage.Relational;

/// <summary>The release schedule's tables; every state change is conditional on the entry still being pending.</summary>
internal sealed class SqlReleaseScheduleStore(DbSession db) : IReleaseScheduleStore
{
    // The prompts to the releasing prison, which a record naming an expected date schedules without notifying anyone.
    private static readonly string PromptKinds = $"'{ReleaseMilestoneKinds.SixWeeksPrompt}', '{ReleaseMilestoneKinds.ConfirmPlanPrompt}'";

    private const string EntryColumns = "s.entry_id, s.kind, s.due_ms, s.release_date, s.submission_id, s.recipients, s.person_keys, s.status, s.updated_ms, s.detail";

    public ScheduleChange Schedule(ScheduledNotice notice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var nowMs = now.ToUnixTimeMilliseconds();
        if (notice.Cancels is { Count: > 0 } cancels)
        {
            Settle(notice.PersonKeys, ScheduleStatus.Cancelled, $"cancelled by the release notice {notice.SubmissionId}", nowMs, cancels);
        }

        var moved = Settle(notice.PersonKeys, ScheduleStatus.Moved, $"moved by the newer record {notice.SubmissionId}", nowMs, notice.Moves);
        db.Run("""
            INSERT INTO release_notices(submission_id, submission_json, stored_ms) VALUES(@s, @j, @now)
            ON CONFLICT(submission_id) DO UPDATE SET submission_json = excluded.submission_json, stored_ms = excluded.stored_ms
            """, ("@s", notice.SubmissionId), ("@j", notice.SubmissionJson), ("@now", nowMs));


        var keys = JsonSerializer.Serialize(notice.PersonKeys);
        var created = new List<ScheduleEntry>();
        foreach (var milestone in notice.Milestones)
        {
            var id = Guid.CreateVersion7(now).ToString();
            var due = milestone.DueAt.ToUnixTimeMilliseconds();
            db.Run("""
                INSERT INTO release_schedule(entry_id, kind, due_ms, release_date, submission_id, recipients, person_keys, status, created_ms, updated_ms)
                VALUES(@id, @kind, @due, @date, @s, @r, @k, @pending, @now, @now)
                """,
                ("@id", id), ("@kind", milestone.Kind), ("@due", due), ("@date", DateText(notice.ReleaseDate)),
                ("@s", notice.SubmissionId), ("@r", JsonSerializer.Serialize(milestone.Recipients ?? notice.Recipients)), ("@k", keys), ("@pending", ScheduleStatus.Pending), ("@now", nowMs));
            foreach (var key in notice.PersonKeys.Distinct(StringComparer.Ordinal))
            {
                db.Run("INSERT INTO release_schedule_persons(entry_id, person_key) VALUES(@id, @k)", ("@id", id), ("@k", key));
            }

            created.Add(new ScheduleEntry(id, milestone.Kind, DateTimeOffset.FromUnixTimeMilliseconds(due), notice.ReleaseDate,
                notice.SubmissionId, milestone.Recipients ?? notice.Recipients, notice.PersonKeys, ScheduleStatus.Pending, DateTimeOffset.FromUnixTimeMilliseconds(nowMs), null));
        }

        return new ScheduleChange(moved, created);
    }

    public IReadOnlyList<string> CancelPending(IReadOnlyList<string> personKeys, string releaseSubmissionId, DateTimeOffset now) =>
        Settle(personKeys, ScheduleStatus.Cancelled, $"cancelled by the release {releaseSubmissionId}", now.ToUnixTimeMilliseconds(), null);

    public IReadOnlyList<DueEntry> Due(DateTimeOffset now, int max = 100) => db.Rows(
        $"SELECT {EntryColumns}, n.submission_json FROM release_schedule s JOIN release_notices n ON n.submission_id = s.submission_id WHERE s.status = @p AND s.due_ms <= @now ORDER BY s.due_ms, s.entry_id LIMIT @max",
        r => new DueEntry(Entry(r), r.GetString(10)),
        ("@p", ScheduleStatus.Pending), ("@now", now.ToUnixTimeMilliseconds()), ("@max", (long)max));

    public bool Complete(string entryId, string status, string detail, DateTimeOffset now)
    {
        if (status is not (ScheduleStatus.Done or ScheduleStatus.Overdue))
        {
            throw new ArgumentException($"an entry is completed as {ScheduleStatus.Done} or {ScheduleStatus.Overdue}, not {status}", nameof(status));
        }

        return db.Run("UPDATE release_schedule SET status = @to, detail = @d, updated_ms = @now WHERE entry_id = @id AND status = @p",
            ("@to", status), ("@d", detail), ("@now", now.ToUnixTimeMilliseconds()), ("@id", entryId), ("@p", ScheduleStatus.Pending)) == 1;
    }

    public DateTimeOffset? FirstNotified(IReadOnlyList<string> personKeys, DateOnly releaseDate)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        long? first = null;
        foreach (var key in personKeys)
        {
            // Only a notice's own entries: a prompt scheduled from a transfer's expected date told no community service.
            if (db.Long(
                $"SELECT MIN(s.created_ms) FROM release_schedule_persons p JOIN release_schedule s ON s.entry_id = p.entry_id WHERE p.person_key = @k AND s.release_date = @d AND s.kind NOT IN ({PromptKinds})",
                ("@k", key), ("@d", DateText(releaseDate))) is { } ms && (first is null || ms < first))
            {
                first = ms;
            }
        }

        return first is { } found ? DateTimeOffset.FromUnixTimeMilliseconds(found) : null;
    }

    public IReadOnlyList<ScheduleEntry> Standing(IReadOnlyList<string> personKeys, DateOnly releaseDate)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        var entries = new List<ScheduleEntry>();
        foreach (var key in personKeys)
        {
            entries.AddRange(db.Rows(
                $"SELECT {EntryColumns} FROM release_schedule_persons p JOIN release_schedule s ON s.entry_id = p.entry_id WHERE p.person_key = @k AND s.release_date = @d AND s.status IN (@p, @done)",
                Entry, ("@k", key), ("@d", DateText(releaseDate)), ("@p", ScheduleStatus.Pending), ("@done", ScheduleStatus.Done)));
        }

        return [.. entries.DistinctBy(e => e.EntryId).OrderBy(e => e.DueAt).ThenBy(e => e.EntryId, StringComparer.Ordinal)];
    }

    public IReadOnlyList<ScheduleEntry> List(bool overdueOnly) => db.Rows(
        $"SELECT {EntryColumns} FROM release_schedule s {(overdueOnly ? "WHERE s.status = @overdue " : "")}ORDER BY s.due_ms, s.entry_id",
        Entry,
        overdueOnly ? [("@overdue", ScheduleStatus.Overdue)] : []);

    // Moves every pending entry of the person (of the given kinds, or all) to a final state; an entry found under two of the
    // person's keys is settled once.
    private List<string> Settle(IReadOnlyList<string> personKeys, string status, string detail, long nowMs, IReadOnlyCollection<string>? kinds)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        var settled = new List<string>();
        foreach (var key in personKeys)
        {
            // By the person first (CROSS JOIN fixes SQLite's join order), never by the status index: that walked every
            // pending entry of every person on each notice and release (see SqlEscalationStore.CloseForPerson).
            var ids = db.Rows(
                "SELECT s.entry_id, s.kind FROM release_schedule_persons p CROSS JOIN release_schedule s WHERE s.entry_id = p.entry_id AND p.person_key = @k AND s.status = @p ORDER BY s.due_ms, s.entry_id",
                r => (Id: r.GetString(0), Kind: r.GetString(1)), ("@k", key), ("@p", ScheduleStatus.Pending))
                .Where(e => kinds is null || kinds.Contains(e.Kind)).Select(e => e.Id).ToList();
            settled.AddRange(ids.Where(id => db.Run(
                "UPDATE release_schedule SET status = @to, detail = @d, updated_ms = @now WHERE entry_id = @id AND status = @p",
                ("@to", status), ("@d", detail), ("@now", nowMs), ("@id", id), ("@p", ScheduleStatus.Pending)) == 1));
        }

        return settled;
    }

    private static ScheduleEntry Entry(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Columns.Time(reader, 2),
        DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.GetString(4),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
        JsonSerializer.Deserialize<List<string>>(reader.GetString(6)) ?? [],
        reader.GetString(7),
        Columns.Time(reader, 8),
        Columns.Text(reader, 9));

    private static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
