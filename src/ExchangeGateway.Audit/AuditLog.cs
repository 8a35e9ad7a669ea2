using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

/// <summary>
/// The append-only, hash-chained audit trail in the gateway's SQLite database. Append inside the caller's own
/// transaction so that an outbox change and its entry commit or roll back together; a checkpoint is signed every
/// <see cref="CheckpointInterval"/> entries in that same transaction, and the gateway calls <see cref="Checkpoint"/> on shutdown.
/// There is no code path that updates or deletes, and triggers refuse UPDATE and DELETE on the audit tables.
/// </summary>
public sealed partial class AuditLog
{
    /// <summary>Entries between two interval checkpoints unless told otherwise.</summary>
    public const int DefaultCheckpointInterval = 100;

    /// <summary>The audit tables.</summary>
    public static readonly IReadOnlyList<string> Tables = ["audit_entries", "audit_subjects", "audit_checkpoints"];

    /// <summary>The triggers that keep the tables append-only; the verifier warns when one is missing.</summary>
    public static readonly IReadOnlyList<string> Triggers =
    [
        "audit_entries_no_update", "audit_entries_no_delete", "audit_entries_chain",
        "audit_subjects_no_update", "audit_subjects_no_delete", "audit_subjects_in_order",
        "audit_subjects_indexed_forward", "audit_subjects_indexed_no_delete",
        "audit_checkpoints_no_update", "audit_checkpoints_no_delete", "audit_checkpoints_in_order",
    ];

    private static readonly string Schema = $"""
        CREATE TABLE IF NOT EXISTS audit_entries (
            seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
            time      TEXT NOT NULL,
            type      TEXT NOT NULL,
            actor     TEXT NOT NULL,
            subjects  TEXT NOT NULL,
            details   TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash      TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_subjects (
            subject_key TEXT NOT NULL,
            first_seq   INTEGER NOT NULL,
            last_seq    INTEGER NOT NULL REFERENCES audit_entries (seq),
            PRIMARY KEY (subject_key, first_seq),
            CHECK (first_seq >= 1 AND last_seq >= first_seq AND last_seq - first_seq < {MaxRun})
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit_subjects_indexed (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            upto INTEGER NOT NULL CHECK (upto >= 0)
        );
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            number    INTEGER PRIMARY KEY CHECK (number >= 1),
            seq       INTEGER NOT NULL,
            hash      TEXT NOT NULL,
            time      TEXT NOT NULL,
            reason    TEXT NOT NULL,
            signer    TEXT NOT NULL,
            signature TEXT NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
            BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
            BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_entries_chain BEFORE INSERT ON audit_entries
            WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_entries), 0) + 1
              OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1), '{AuditChain.Genesis}')
            BEGIN SELECT RAISE(ABORT, 'audit_entries: a new entry must take the next seq and link to the last hash'); END;
        CREATE TRIGGER IF NOT EXISTS audit_subjects_no_update BEFORE UPDATE ON audit_subjects
            BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_subjects_no_delete BEFORE DELETE ON audit_subjects
            BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_subjects_in_order BEFORE INSERT ON audit_subjects
            WHEN NEW.last_seq > COALESCE((SELECT MAX(seq) FROM audit_entries), 0)
              OR NEW.first_seq <= COALESCE((SELECT upto FROM audit_subjects_indexed), 0)
            BEGIN SELECT RAISE(ABORT, 'audit_subjects is append-only: the person index grows in seq order, over stored entries'); END;
        CREATE TRIGGER IF NOT EXISTS audit_subjects_indexed_forward BEFORE UPDATE ON audit_subjects_indexed
            WHEN NEW.upto < OLD.upto OR NEW.upto > COALESCE((SELECT MAX(seq) FROM audit_entries), 0)
            BEGIN SELECT RAISE(ABORT, 'audit_subjects_indexed is append-only: the person index only moves forward, over stored entries'); END;
        CREATE TRIGGER IF NOT EXISTS audit_subjects_indexed_no_delete BEFORE DELETE ON audit_subjects_indexed
            BEGIN SELECT RAISE(ABORT, 'audit_subjects_indexed is append-only: the person index position is never removed'); END;
        CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
            BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
            BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_checkpoints_in_order BEFORE INSERT ON audit_checkpoints
            WHEN NEW.number IS NOT COALESCE((SELECT MAX(number) FROM audit_checkpoints), 0) + 1
              OR NOT EXISTS (SELECT 1 FROM audit_entries WHERE seq = NEW.seq AND hash = NEW.hash)
            BEGIN SELECT RAISE(ABORT, 'audit_checkpoints: a checkpoint takes the next number and signs an existing entry'); END;
        """;

    private const string EntryColumns = "e.seq, e.time, e.type, e.actor, e.details, e.prev_hash, e.hash, e.subjects";

    // The person index (audit_subjects) holds one row per person per run of consecutive entries about the same people
    // (an accepted submission's seven entries are one run), not one per entry. It is built behind the trail
    // (IndexSubjects) rather than in each appending transaction, so that an accept writes only its entries' pages.
    private const int MaxRun = 64;

    /// <summary>A trail that signs a checkpoint with <paramref name="signer"/> every <paramref name="checkpointInterval"/> entries.</summary>
    public AuditLog(CheckpointSigner signer, int checkpointInterval = DefaultCheckpointInterval)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointInterval, 1);
        Signer = signer;
        CheckpointInterval = checkpointInterval;
    }

    /// <summary>The gateway's signing identity.</summary>
    public CheckpointSigner Signer { get; }

    /// <summary>An interval checkpoint is signed when the new entry's seq is a multiple of this.</summary>
    public int CheckpointInterval { get; }

    // Compiled once per connection and reused: compiling the inserts, with their triggers and foreign key, costs more than
    // running them, and they run inside the gateway's serialised accept transaction.
    private readonly ConditionalWeakTable<SqliteConnection, AppendStatements> appendStatements = new();

    /// <summary>Creates the audit tables, index and triggers when they are not there yet. Safe to call on every start.</summary>
    public static void EnsureSchema(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using (var columns = Command(connection, null, "SELECT COUNT(*), COUNT(*) FILTER (WHERE name = 'subjects') FROM pragma_table_info('audit_entries')"))
        using (var reader = columns.ExecuteReader())
        {
            if (reader.Read() && reader.GetInt64(0) > 0 && reader.GetInt64(1) == 0)
            {
                throw new InvalidOperationException("audit_entries has no subjects column: the trail was written by an earlier build; export it with that build and start a new data folder");
            }
        }

        using var command = Command(connection, null, Schema);
        command.ExecuteNonQuery();
    }

    /// <summary>"an NHS number" or "a prison number" when free text holds one (Append would refuse it), else null.</summary>
    public static string? IdentifierIn(string text) => DraftRules.LooksLikeIdentifier(text);

    /// <summary>True when the database has the audit tables.</summary>
    public static bool HasSchema(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('audit_entries', 'audit_subjects', 'audit_checkpoints')";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == Tables.Count;
    }

    /// <summary>
    /// Appends an entry: reads the last seq and hash inside the transaction, links to them and inserts. With a
    /// <paramref name="transaction"/> the caller commits (begin it with <c>BeginTransaction()</c>, which is IMMEDIATE,
    /// so that two writers cannot both read the same head); without one the entry commits on its own. Throws
    /// ArgumentException for a draft that breaks the rules (unknown type, bad actor, identifiers in clear, ...).
    /// </summary>
    public AuditEntry Append(SqliteConnection connection, SqliteTransaction? transaction, AuditRecord draft, DateTimeOffset time) =>
        AppendAll(connection, transaction, [draft], time)[0];

    /// <summary>
    /// Appends entries in order, as <see cref="Append"/> would one by one, but reading the head once and reusing the
    /// prepared statements. Every draft is checked before anything is written.
    /// </summary>
    public IReadOnlyList<AuditEntry> AppendAll(SqliteConnection connection, SqliteTransaction? transaction, IReadOnlyList<AuditRecord> drafts, DateTimeOffset time) =>
        AppendAll(connection, transaction, AuditBatch.Of(drafts), time);

    /// <summary>
    /// Appends a batch checked and put in canonical form beforehand (<see cref="AuditBatch.Of"/>), so that only the
    /// chaining and the inserts happen inside the caller's transaction: what one event writes (an accepted submission's
    /// decisions and packages) costs the serialised accept transaction as little as possible.
    /// </summary>
    public IReadOnlyList<AuditEntry> AppendAll(SqliteConnection connection, SqliteTransaction? transaction, AuditBatch batch, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(batch);
        CheckTransaction(connection, transaction);
        if (batch.Count == 0)
        {
            return [];
        }

        var own = transaction is null ? connection.BeginTransaction() : null;
        var tx = transaction ?? own!;
        try
        {
            var statements = appendStatements.GetValue(connection, c => new AppendStatements(c));
            statements.Enlist(tx);
            var head = statements.ReadHead();
            var storedTime = AuditChain.ToStoredPrecision(time);
            var storedTimeText = AuditChain.FormatTime(storedTime);
            var timeJson = CanonicalJson.Value(storedTimeText);

            var entries = new List<AuditEntry>(batch.Count);
            foreach (var item in batch.Items)
            {
                var unsigned = new AuditEntry(
                    (head?.Seq ?? 0) + 1,
                    storedTime,
                    item.Type,
                    item.Actor,
                    item.Subjects,
                    item.Details,
                    head?.Hash ?? AuditChain.Genesis,
                    Hash: "");
                var entry = unsigned with { Hash = item.Form.Hash(unsigned.PrevHash, unsigned.Seq, timeJson) };

                statements.InsertEntry(entry, storedTimeText, item.Form.Subjects, item.CanonicalDetails);

                if (entry.Seq % CheckpointInterval == 0)
                {
                    Sign(connection, tx, (entry.Seq, entry.Hash), entry.Time, CheckpointReason.Interval);
                }

                entries.Add(entry);
                head = (entry.Seq, entry.Hash);
            }

            own?.Commit();
            return entries;
        }
        finally
        {
            own?.Dispose();
        }
    }

    /// <summary>The last entry's seq and hash, or null for an empty trail.</summary>
    public static (long Seq, string Hash)? Head(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection, transaction, "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>Every entry from <paramref name="fromSeq"/> on, in seq order; InvalidDataException for a row that is not a well-formed entry.</summary>
    public static IEnumerable<AuditEntry> Entries(SqliteConnection connection, SqliteTransaction? transaction = null, long fromSeq = 1)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (var row in ReadRows(connection, transaction, fromSeq))
        {
            yield return row.Entry ?? throw new InvalidDataException($"audit entry {row.Seq} is malformed: {row.Problem}");
        }
    }

    /// <summary>Every checkpoint, in number order; InvalidDataException for a malformed row.</summary>
    public static IReadOnlyList<AuditCheckpoint> Checkpoints(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return [.. ReadCheckpointRows(connection, transaction).Select(row => row.Checkpoint ?? throw new InvalidDataException($"audit checkpoint {row.Number} is malformed: {row.Problem}"))];
    }

    /// <summary>
    /// The entries about one person (a <see cref="PersonKeys"/> key), in seq order, optionally only those at or after
    /// <paramref name="from"/> and at or before <paramref name="to"/>. Found through the person index, and by reading the
    /// entries the index has not reached yet; every entry found is checked against its own (hashed) subjects, so an index
    /// row cannot put someone else's entry in the answer.
    /// </summary>
    public static IReadOnlyList<AuditEntry> EntriesFor(SqliteConnection connection, string subjectKey, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(subjectKey);
        using var snapshot = connection.BeginTransaction(deferred: true);
        using var command = Command(connection, snapshot, $"""
            SELECT {EntryColumns} FROM audit_subjects k JOIN audit_entries e ON e.seq BETWEEN k.first_seq AND k.last_seq
            WHERE k.subject_key = $key AND k.first_seq <= $upto
            UNION
            SELECT {EntryColumns} FROM audit_entries e WHERE e.seq > $upto AND instr(e.subjects, $quoted) > 0
            ORDER BY 1
            """);
        command.Parameters.AddWithValue("$key", subjectKey);
        command.Parameters.AddWithValue("$quoted", CanonicalJson.Value(subjectKey));
        command.Parameters.AddWithValue("$upto", IndexedUpTo(connection, snapshot));
        using var reader = command.ExecuteReader();
        var found = new List<AuditEntry>();
        while (reader.Read())
        {
            var row = ReadRow(reader);
            var entry = row.Entry ?? throw new InvalidDataException($"audit entry {row.Seq} is malformed: {row.Problem}");

            // Times are compared as instants: entries carry different offsets, so their text does not sort.
            if (entry.Subjects.Contains(subjectKey, StringComparer.Ordinal) && (from is null || entry.Time >= from) && (to is null || entry.Time <= to))
            {
                found.Add(entry);
            }
        }

        return found;
    }

    /// <summary>
    /// Extends the person index over up to <paramref name="maxEntries"/> entries it has not reached yet, in the caller's
    /// transaction (or its own); returns how many entries it read, so a caller that gets <paramref name="maxEntries"/>
    /// back knows there is more. The gateway runs it in the background, a batch at a time, off the accept path.
    /// </summary>
    public static int IndexSubjects(SqliteConnection connection, SqliteTransaction? transaction, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        CheckTransaction(connection, transaction);
        var own = transaction is null ? connection.BeginTransaction() : null;
        var tx = transaction ?? own!;
        try
        {
            var upto = IndexedUpTo(connection, tx);
            var entries = new List<(long Seq, string[] Subjects)>();
            using (var read = Command(connection, tx, "SELECT seq, subjects FROM audit_entries WHERE seq > $upto ORDER BY seq LIMIT $max"))
            {
                read.Parameters.AddWithValue("$upto", upto);
                read.Parameters.AddWithValue("$max", maxEntries);
                using var reader = read.ExecuteReader();
                while (reader.Read())
                {
                    // An entry whose subjects do not parse is left out of the index; the verifier reports it.
                    entries.Add((reader.GetInt64(0), AuditRows.TryParseSubjects(reader.GetString(1), out var subjects) ? [.. subjects] : []));
                }
            }

            if (entries.Count == 0)
            {
                own?.Commit();
                return 0;
            }

            using var insert = Command(connection, tx, "INSERT INTO audit_subjects (subject_key, first_seq, last_seq) VALUES ($key, $first, $last)");
            var key = insert.Parameters.Add("$key", SqliteType.Text);
            var first = insert.Parameters.Add("$first", SqliteType.Integer);
            var last = insert.Parameters.Add("$last", SqliteType.Integer);
            var start = 0;
            for (var i = 1; i <= entries.Count; i++)
            {
                // A run: consecutive seqs about the same people, at most MaxRun long.
                if (i < entries.Count && entries[i].Seq == entries[i - 1].Seq + 1 && i - start < MaxRun && entries[i].Subjects.SequenceEqual(entries[start].Subjects, StringComparer.Ordinal))
                {
                    continue;
                }

                first.Value = entries[start].Seq;
                last.Value = entries[i - 1].Seq;
                foreach (var subject in entries[start].Subjects.Distinct(StringComparer.Ordinal))
                {
                    key.Value = subject;
                    insert.ExecuteNonQuery();
                }

                start = i;
            }

            using (var move = Command(connection, tx, "INSERT INTO audit_subjects_indexed (id, upto) VALUES (1, $upto) ON CONFLICT (id) DO UPDATE SET upto = excluded.upto"))
            {
                move.Parameters.AddWithValue("$upto", entries[^1].Seq);
                move.ExecuteNonQuery();
            }

            own?.Commit();
            return entries.Count;
        }
        finally
        {
            own?.Dispose();
        }
    }

    /// <summary>The last seq the person index covers (0 when it covers none).</summary>
    public static long IndexedUpTo(SqliteConnection connection, SqliteTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = Command(connection, transaction, "SELECT COALESCE((SELECT upto FROM audit_subjects_indexed WHERE id = 1), 0)");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The entries as rows, each either an entry or the reason it is not one (for the verifier, which must not stop at the first).</summary>
    internal static IEnumerable<EntryRow> ReadRows(SqliteConnection connection, SqliteTransaction? transaction, long fromSeq = 1)
    {
        using var command = Command(connection, transaction, $"SELECT {EntryColumns} FROM audit_entries e WHERE e.seq >= $from ORDER BY e.seq");
        command.Parameters.AddWithValue("$from", fromSeq);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadRow(reader);
        }
    }

    /// <summary>The checkpoints as rows, each either a checkpoint or the reason it is not one.</summary>
    internal static IReadOnlyList<CheckpointRow> ReadCheckpointRows(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = Command(connection, transaction, "SELECT number, seq, hash, time, reason, signer, signature FROM audit_checkpoints ORDER BY number");
        using var reader = command.ExecuteReader();
        var rows = new List<CheckpointRow>();
        while (reader.Read())
        {
            var number = reader.GetInt64(0);
            try
            {
                rows.Add(AuditRows.Checkpoint(number, reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or InvalidOperationException)
            {
                rows.Add(new CheckpointRow(number, null, $"a column has the wrong type ({ex.Message})", reader.IsDBNull(1) ? null : reader.GetValue(1) as long?));
            }
        }

        return rows;
    }

    private static EntryRow ReadRow(SqliteDataReader reader)
    {
        var seq = reader.GetInt64(0);
        try
        {
            if (!AuditRows.TryParseSubjects(reader.GetString(7), out var subjects))
            {
                return new EntryRow(seq, null, "subjects is not a JSON array of strings");
            }

            return AuditRows.Entry(seq, reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), subjects);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or InvalidOperationException)
        {
            return new EntryRow(seq, null, $"a column has the wrong type ({ex.Message})");
        }
    }

    private static void CheckTransaction(SqliteConnection connection, SqliteTransaction? transaction)
    {
        if (transaction is not null && !ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("the transaction belongs to another connection", nameof(transaction));
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>The appender's statements on one connection; enlisted in each transaction before use.</summary>
    private sealed class AppendStatements
    {
        private readonly SqliteCommand head;
        private readonly SqliteCommand insertEntry;
        private readonly SqliteParameter seq;
        private readonly SqliteParameter time;
        private readonly SqliteParameter type;
        private readonly SqliteParameter actor;
        private readonly SqliteParameter details;
        private readonly SqliteParameter prevHash;
        private readonly SqliteParameter hash;
        private readonly SqliteParameter subjects;

        public AppendStatements(SqliteConnection connection)
        {
            head = Command(connection, null, "SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1");
            insertEntry = Command(connection, null, "INSERT INTO audit_entries (seq, time, type, actor, subjects, details, prev_hash, hash) VALUES ($seq, $time, $type, $actor, $subjects, $details, $prev, $hash)");
            seq = insertEntry.Parameters.Add("$seq", SqliteType.Integer);
            time = insertEntry.Parameters.Add("$time", SqliteType.Text);
            type = insertEntry.Parameters.Add("$type", SqliteType.Text);
            actor = insertEntry.Parameters.Add("$actor", SqliteType.Text);
            details = insertEntry.Parameters.Add("$details", SqliteType.Text);
            prevHash = insertEntry.Parameters.Add("$prev", SqliteType.Text);
            hash = insertEntry.Parameters.Add("$hash", SqliteType.Text);
            subjects = insertEntry.Parameters.Add("$subjects", SqliteType.Text);
        }

        public void Enlist(SqliteTransaction transaction)
        {
            head.Transaction = transaction;
            insertEntry.Transaction = transaction;
        }

        public (long Seq, string Hash)? ReadHead()
        {
            using var reader = head.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), reader.GetString(1)) : null;
        }

        /// <summary>Stores an entry with its time as stored text, and its subjects and details in the canonical forms its hash covers.</summary>
        public void InsertEntry(AuditEntry entry, string storedTime, string canonicalSubjects, string canonicalDetails)
        {
            seq.Value = entry.Seq;
            time.Value = storedTime;
            type.Value = entry.Type;
            actor.Value = entry.Actor;
            subjects.Value = canonicalSubjects;
            details.Value = canonicalDetails;
            prevHash.Value = entry.PrevHash;
            hash.Value = entry.Hash;
            insertEntry.ExecuteNonQuery();
        }
    }
}

/// <summary>One stored entry as read: the entry, or why it is not a well-formed one.</summary>
internal sealed record EntryRow(long? Seq, AuditEntry? Entry, string? Problem);

/// <summary>One stored checkpoint as read: the checkpoint, or why it is not a well-formed one.</summary>
internal sealed record CheckpointRow(long? Number, AuditCheckpoint? Checkpoint, string? Problem, long? Seq = null);

/// <summary>Builds entries and checkpoints from stored text, strictly: anything that would not have been written is a problem, not a guess.</summary>
internal static class AuditRows
{
    /// <summary>Reads a stored subjects column: a JSON array of strings (the canonical form the hash covers), else false.</summary>
    public static bool TryParseSubjects(string json, out IReadOnlyList<string> subjects)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryReadSubjects(document.RootElement, out subjects);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate parses but cannot be read as a string.
            subjects = [];
            return false;
        }
    }

    /// <summary>Subjects as a JSON array of strings, in the order given (the hash is over that order), else false.</summary>
    public static bool TryReadSubjects(JsonElement element, out IReadOnlyList<string> subjects)
    {
        subjects = [];
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        subjects = Array.AsReadOnly(element.EnumerateArray().Select(e => e.GetString()!).ToArray());
        return true;
    }

    public static EntryRow Entry(long? seq, string time, string type, string actor, string detailsJson, string prevHash, string hash, IReadOnlyList<string> subjects)
    {
        if (seq is not { } number || number < 1)
        {
            return new EntryRow(seq, null, "seq is not a positive integer");
        }

        if (!AuditChain.TryParseTime(time, out var when))
        {
            return new EntryRow(seq, null, $"time '{time}' is not in the stored form yyyy-MM-ddTHH:mm:ss.fff±hh:mm");
        }

        if (!TryParseDetails(detailsJson, out var details, out var problem))
        {
            return new EntryRow(seq, null, problem);
        }

        var sorted = subjects.Order(StringComparer.Ordinal).ToArray();
        return new EntryRow(seq, new AuditEntry(number, when, type, actor, Array.AsReadOnly(sorted), details!, prevHash, hash), null);
    }

    public static CheckpointRow Checkpoint(long? number, long seq, string hash, string time, string reason, string signer, string signature)
    {
        if (number is not { } n || n < 1)
        {
            return new CheckpointRow(number, null, "checkpoint number is not a positive integer", seq);
        }

        if (!AuditChain.TryParseTime(time, out var when))
        {
            return new CheckpointRow(number, null, $"time '{time}' is not in the stored form", seq);
        }

        if (!AuditChain.TryParseReason(reason, out var why))
        {
            return new CheckpointRow(number, null, $"unknown reason '{reason}'", seq);
        }

        return new CheckpointRow(number, new AuditCheckpoint(n, seq, hash, when, why, signer, signature), null, seq);
    }

    /// <summary>Reads a details object: strings and safe integers only, no duplicate keys.</summary>
    public static bool TryParseDetails(string json, out IReadOnlyDictionary<string, AuditValue>? details, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryReadDetails(document.RootElement, out details, out problem);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate parses but cannot be read as a string.
            details = null;
            problem = $"details are not JSON text ({ex.Message})";
            return false;
        }
    }

    public static bool TryReadDetails(JsonElement element, out IReadOnlyDictionary<string, AuditValue>? details, out string? problem)
    {
        details = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "details are not a JSON object";
            return false;
        }

        var map = new SortedDictionary<string, AuditValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (map.ContainsKey(property.Name))
            {
                problem = $"details repeat the key '{property.Name}'";
                return false;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    map[property.Name] = AuditValue.FromString(property.Value.GetString()!);
                    break;
                case JsonValueKind.Number when property.Value.TryGetInt64(out var n) && n is <= AuditValue.MaxSafeInteger and >= -AuditValue.MaxSafeInteger:
                    map[property.Name] = AuditValue.FromInt64(n);
                    break;
                default:
                    problem = $"detail '{property.Name}' is neither a string nor a safe integer";
                    return false;
            }
        }

        details = new ReadOnlyDictionary<string, AuditValue>(map);
        problem = null;
        return true;
    }
}
