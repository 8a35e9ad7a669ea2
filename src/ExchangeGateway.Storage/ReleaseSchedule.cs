using System.Globalization;
using System.Text.Json;
using ExchangeGateway.Domain;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage;

/// <summary>The states of a schedule entry; the strings are what the database and <c>exg schedule list</c> show.</summary>
public static class ScheduleStatus
{
    /// <summary>Waiting for its due time.</summary>
    public const string Pending = "pending";

    /// <summary>A reminder that fired: its messages were queued (or consent withheld them).</summary>
    public const string Done = "done";

    /// <summary>Stopped because the prison sent the <c>release</c>.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Replaced by the entries of a newer notice for the same person.</summary>
    public const string Moved = "moved";

    /// <summary>An overdue check that found no <c>release</c> by noon on the planned day.</summary>
    public const string Overdue = "overdue";
}

/// <summary>A notice (or planned release) to schedule: who it is about, when, who hears, and the submission to re-seal from.</summary>
public sealed record ScheduledNotice(
    string SubmissionId,
    IReadOnlyList<string> PersonKeys,
    DateOnly ReleaseDate,
    IReadOnlyList<string> Recipients,
    string SubmissionJson,
    IReadOnlyList<ReleaseMilestone> Milestones);

/// <summary>One entry of the release schedule.</summary>
public sealed record ScheduleEntry(
    string EntryId,
    string Kind,
    DateTimeOffset DueAt,
    DateOnly ReleaseDate,
    string SubmissionId,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> PersonKeys,
    string Status,
    DateTimeOffset UpdatedAt,
    string? Detail);

/// <summary>A due entry with the canonical JSON of the notice it was scheduled from.</summary>
public sealed record DueEntry(ScheduleEntry Entry, string SubmissionJson);

/// <summary>What scheduling a notice changed: the pending entries it moved and the entries it created.</summary>
public sealed record ScheduleChange(IReadOnlyList<string> MovedEntryIds, IReadOnlyList<ScheduleEntry> Created);

/// <summary>
/// The release schedule: reminders and overdue checks for planned releases, in the gateway's SQLite file beside the
/// outbox, so an entry and the messages it queues commit together and everything survives a restart. Every change
/// takes the caller's transaction (the outbox's, via <see cref="Outbox.InTransaction"/> or a <see cref="TransactionWork"/>);
/// an entry is never deleted, only moved between states.
/// </summary>
public sealed class ReleaseSchedule
{
    private const string Columns = "s.entry_id, s.kind, s.due_ms, s.release_date, s.submission_id, s.recipients, s.person_keys, s.status, s.updated_ms, s.detail";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS release_schedule(
            entry_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            due_ms INTEGER NOT NULL,
            release_date TEXT NOT NULL,
            submission_id TEXT NOT NULL,
            recipients TEXT NOT NULL,
            person_keys TEXT NOT NULL,
            status TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            detail TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS release_schedule_due ON release_schedule(status, due_ms)",
        """
        CREATE TABLE IF NOT EXISTS release_schedule_persons(
            entry_id TEXT NOT NULL REFERENCES release_schedule(entry_id),
            person_key TEXT NOT NULL,
            PRIMARY KEY(person_key, entry_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS release_notices(
            submission_id TEXT PRIMARY KEY,
            submission_json TEXT NOT NULL,
            stored_ms INTEGER NOT NULL)
        """,
    ];

    private readonly Outbox outbox;

    private ReleaseSchedule(Outbox outbox)
    {
        this.outbox = outbox;
    }

    /// <summary>The schedule in the outbox's database, creating its tables if needed.</summary>
    public static ReleaseSchedule On(Outbox outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        outbox.InTransaction((connection, transaction) =>
        {
            foreach (var statement in Schema)
            {
                GatewayDatabase.Execute(connection, statement, transaction);
            }

            return 0;
        });
        return new ReleaseSchedule(outbox);
    }

    /// <summary>
    /// Schedules a notice's milestones: the person's pending entries (matched on any of their keys) are marked moved, then
    /// one pending entry is created per milestone, so the newest notice alone decides what is still to come.
    /// </summary>
    public ScheduleChange Schedule(SqliteConnection connection, SqliteTransaction transaction, ScheduledNotice notice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var nowMs = now.ToUnixTimeMilliseconds();
        var moved = Settle(connection, transaction, notice.PersonKeys, ScheduleStatus.Moved, $"moved by the newer notice {notice.SubmissionId}", nowMs);
        Run(connection, transaction, "INSERT OR REPLACE INTO release_notices(submission_id, submission_json, stored_ms) VALUES($s, $j, $now)",
            ("$s", notice.SubmissionId), ("$j", notice.SubmissionJson), ("$now", nowMs));

        var recipients = JsonSerializer.Serialize(notice.Recipients);
        var keys = JsonSerializer.Serialize(notice.PersonKeys);
        var created = new List<ScheduleEntry>();
        foreach (var milestone in notice.Milestones)
        {
            var id = Guid.CreateVersion7(now).ToString();
            Run(connection, transaction, """
                INSERT INTO release_schedule(entry_id, kind, due_ms, release_date, submission_id, recipients, person_keys, status, created_ms, updated_ms)
                VALUES($id, $kind, $due, $date, $s, $r, $k, $pending, $now, $now)
                """,
                ("$id", id), ("$kind", milestone.Kind), ("$due", milestone.DueAt.ToUnixTimeMilliseconds()), ("$date", DateText(notice.ReleaseDate)),
                ("$s", notice.SubmissionId), ("$r", recipients), ("$k", keys), ("$pending", ScheduleStatus.Pending), ("$now", nowMs));
            foreach (var key in notice.PersonKeys.Distinct(StringComparer.Ordinal))
            {
                Run(connection, transaction, "INSERT INTO release_schedule_persons(entry_id, person_key) VALUES($id, $k)", ("$id", id), ("$k", key));
            }

            created.Add(new ScheduleEntry(id, milestone.Kind, DateTimeOffset.FromUnixTimeMilliseconds(milestone.DueAt.ToUnixTimeMilliseconds()), notice.ReleaseDate,
                notice.SubmissionId, notice.Recipients, notice.PersonKeys, ScheduleStatus.Pending, DateTimeOffset.FromUnixTimeMilliseconds(nowMs), null));
        }

        return new ScheduleChange(moved, created);
    }

    /// <summary>Cancels the person's pending reminders and overdue check (matched on any of their keys) because the release happened; returns their ids.</summary>
    public IReadOnlyList<string> CancelPending(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> personKeys, string releaseSubmissionId, DateTimeOffset now) =>
        Settle(connection, transaction, personKeys, ScheduleStatus.Cancelled, $"cancelled by the release {releaseSubmissionId}", now.ToUnixTimeMilliseconds());

    /// <summary>Pending entries due at or before <paramref name="now"/>, earliest first, each with its notice.</summary>
    public IReadOnlyList<DueEntry> Due(SqliteConnection connection, SqliteTransaction? transaction, DateTimeOffset now, int max = 100)
    {
        using var command = Command(connection, transaction,
            $"SELECT {Columns}, n.submission_json FROM release_schedule s JOIN release_notices n ON n.submission_id = s.submission_id WHERE s.status = $p AND s.due_ms <= $now ORDER BY s.due_ms, s.entry_id LIMIT $max",
            ("$p", ScheduleStatus.Pending), ("$now", now.ToUnixTimeMilliseconds()), ("$max", max));
        using var reader = command.ExecuteReader();
        var due = new List<DueEntry>();
        while (reader.Read())
        {
            due.Add(new DueEntry(Entry(reader), reader.GetString(10)));
        }

        return due;
    }

    /// <summary>Pending entries due at or before <paramref name="now"/>, read under the outbox's lock.</summary>
    public IReadOnlyList<DueEntry> Due(DateTimeOffset now, int max = 100) => outbox.InTransaction((c, t) => Due(c, t, now, max));

    /// <summary>
    /// Settles a pending entry as <see cref="ScheduleStatus.Done"/> or <see cref="ScheduleStatus.Overdue"/> with what was done.
    /// False when it is no longer pending (a release or a newer notice got there first): the caller then writes nothing else.
    /// </summary>
    public bool Complete(SqliteConnection connection, SqliteTransaction transaction, string entryId, string status, string detail, DateTimeOffset now)
    {
        if (status is not (ScheduleStatus.Done or ScheduleStatus.Overdue))
        {
            throw new ArgumentException($"an entry is completed as {ScheduleStatus.Done} or {ScheduleStatus.Overdue}, not {status}", nameof(status));
        }

        return Run(connection, transaction, "UPDATE release_schedule SET status = $to, detail = $d, updated_ms = $now WHERE entry_id = $id AND status = $p",
            ("$to", status), ("$d", detail), ("$now", now.ToUnixTimeMilliseconds()), ("$id", entryId), ("$p", ScheduleStatus.Pending)) == 1;
    }

    /// <summary>
    /// When the gateway first scheduled a release on <paramref name="releaseDate"/> for the person (any of their keys, any
    /// state since), or null if it never did: the earliest news of that release, for the late-notice flag.
    /// </summary>
    public static DateTimeOffset? FirstNotified(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlyList<string> personKeys, DateOnly releaseDate)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        long? first = null;
        foreach (var key in personKeys)
        {
            using var command = Command(connection, transaction,
                "SELECT MIN(s.created_ms) FROM release_schedule_persons p JOIN release_schedule s ON s.entry_id = p.entry_id WHERE p.person_key = $k AND s.release_date = $d",
                ("$k", key), ("$d", DateText(releaseDate)));
            if (command.ExecuteScalar() is long ms && (first is null || ms < first))
            {
                first = ms;
            }
        }

        return first is { } found ? DateTimeOffset.FromUnixTimeMilliseconds(found) : null;
    }

    /// <summary>When the gateway first scheduled a release on the date for the person, read under the outbox's lock.</summary>
    public DateTimeOffset? FirstNotified(IReadOnlyList<string> personKeys, DateOnly releaseDate) =>
        outbox.InTransaction((c, t) => FirstNotified(c, t, personKeys, releaseDate));

    /// <summary>Every entry (or only the overdue ones), by due time.</summary>
    public IReadOnlyList<ScheduleEntry> List(SqliteConnection connection, SqliteTransaction? transaction, bool overdueOnly)
    {
        using var command = Command(connection, transaction,
            $"SELECT {Columns} FROM release_schedule s WHERE ($o = 0 OR s.status = $overdue) ORDER BY s.due_ms, s.entry_id",
            ("$o", overdueOnly ? 1 : 0), ("$overdue", ScheduleStatus.Overdue));
        using var reader = command.ExecuteReader();
        var entries = new List<ScheduleEntry>();
        while (reader.Read())
        {
            entries.Add(Entry(reader));
        }

        return entries;
    }

    /// <summary>Every entry (or only the overdue ones), read under the outbox's lock.</summary>
    public IReadOnlyList<ScheduleEntry> List(bool overdueOnly = false) => outbox.InTransaction((c, t) => List(c, t, overdueOnly));

    // Moves every pending entry of the person to a final state; an entry found under two of the person's keys is settled once.
    private static List<string> Settle(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> personKeys, string status, string detail, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(personKeys);
        var settled = new List<string>();
        foreach (var key in personKeys)
        {
            using var command = Command(connection, transaction,
                "SELECT s.entry_id FROM release_schedule_persons p JOIN release_schedule s ON s.entry_id = p.entry_id WHERE p.person_key = $k AND s.status = $p ORDER BY s.due_ms",
                ("$k", key), ("$p", ScheduleStatus.Pending));
            var ids = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            foreach (var id in ids)
            {
                Run(connection, transaction, "UPDATE release_schedule SET status = $to, detail = $d, updated_ms = $now WHERE entry_id = $id AND status = $p",
                    ("$to", status), ("$d", detail), ("$now", nowMs), ("$id", id), ("$p", ScheduleStatus.Pending));
                settled.Add(id);
            }
        }

        return settled;
    }

    private static ScheduleEntry Entry(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.GetString(4),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
        JsonSerializer.Deserialize<List<string>>(reader.GetString(6)) ?? [],
        reader.GetString(7),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    private static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static int Run(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters) =>
        SqliteCommands.Create(connection, transaction, sql, parameters);
}
