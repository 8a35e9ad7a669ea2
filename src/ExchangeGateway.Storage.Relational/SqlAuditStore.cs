using System.Data.Common;

namespace ExchangeGateway.Storage.Relational;

/// <summary>The audit tables. Rows are read as stored text and a row that is not (a column of the wrong type) is reported, not trusted.</summary>
internal sealed class SqlAuditStore(DbSession db) : IAuditStore
{
    private const string EntryColumns = "e.seq, e.time, e.type, e.actor, e.subjects, e.details, e.prev_hash, e.hash";

    // Pages keep one reader open at a time (PostgreSQL allows no more per connection) however long the trail.
    private const int Page = 2000;

    public bool HasSchema() => new[] { "audit_entries", "audit_subjects", "audit_checkpoints" }.All(t => db.Dialect.TableExists(db, t));

    public IReadOnlyList<string> Triggers() => db.Dialect.AuditTriggers(db);

    public void LockHead() => db.Dialect.Lock(db, StoreLock.AuditHead);

    public void LockIndex() => db.Dialect.Lock(db, StoreLock.AuditIndex);

    public (long Seq, string Hash)? Head() =>
        db.Row("SELECT seq, hash FROM audit_entries ORDER BY seq DESC LIMIT 1", r => (Columns.Long(r, 0), r.GetString(1))) is { Item2: not null } head ? head : null;

    public void Insert(StoredAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        db.Run("INSERT INTO audit_entries (seq, time, type, actor, subjects, details, prev_hash, hash) VALUES (@seq, @time, @type, @actor, @subjects, @details, @prev, @hash)",
            ("@seq", entry.Seq), ("@time", entry.Time), ("@type", entry.Type), ("@actor", entry.Actor), ("@subjects", entry.Subjects),
            ("@details", entry.Details), ("@prev", entry.PrevHash), ("@hash", entry.Hash));
    }

    public IReadOnlyList<StoredRow<StoredAuditEntry>> EntryPage(long fromSeq, int max) =>
        db.Rows($"SELECT {EntryColumns} FROM audit_entries e WHERE e.seq >= @from ORDER BY e.seq LIMIT @page", ReadEntry, ("@from", fromSeq), ("@page", (long)max));

    public IEnumerable<StoredRow<StoredAuditEntry>> Entries(long fromSeq)
    {
        var next = fromSeq;
        while (true)
        {
            var page = EntryPage(next, Page);
            foreach (var row in page)
            {
                yield return row;
            }

            if (page.Count < Page || page[^1].Key is not { } last)
            {
                yield break;
            }

            next = last + 1;
        }
    }

    public IReadOnlyList<StoredRow<StoredAuditEntry>> EntriesAbout(string subjectKey, string subjectText, long unindexedAfter) => db.Rows(
        $"""
        SELECT {EntryColumns} FROM audit_subjects k JOIN audit_entries e ON e.seq BETWEEN k.first_seq AND k.last_seq
        WHERE k.subject_key = @key AND k.first_seq <= @upto
        UNION
        SELECT {EntryColumns} FROM audit_entries e WHERE e.seq > @upto AND {db.Dialect.Contains("e.subjects", "@quoted")}
        ORDER BY 1
        """,
        ReadEntry, ("@key", subjectKey), ("@quoted", subjectText), ("@upto", unindexedAfter));

    public void Insert(StoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        db.Run("INSERT INTO audit_checkpoints (number, seq, hash, time, reason, signer, signature) VALUES (@number, @seq, @hash, @time, @reason, @signer, @signature)",
            ("@number", checkpoint.Number), ("@seq", checkpoint.Seq), ("@hash", checkpoint.Hash), ("@time", checkpoint.Time),
            ("@reason", checkpoint.Reason), ("@signer", checkpoint.Signer), ("@signature", checkpoint.Signature));
    }

    public IReadOnlyList<StoredRow<StoredCheckpoint>> Checkpoints() => db.Rows(
        "SELECT number, seq, hash, time, reason, signer, signature FROM audit_checkpoints ORDER BY number",
        r =>
        {
            var number = Columns.Long(r, 0);
            try
            {
                return new StoredRow<StoredCheckpoint>(number, new StoredCheckpoint(number, r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)), null);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or InvalidOperationException)
            {
                return new StoredRow<StoredCheckpoint>(number, null, $"a column has the wrong type ({ex.Message})");
            }
        });

    public StoredCheckpoint? NewestCheckpoint() => db.Row(
        "SELECT number, seq, hash, time, reason, signer, signature FROM audit_checkpoints ORDER BY number DESC LIMIT 1",
        r => new StoredCheckpoint(Columns.Long(r, 0), Columns.Long(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6)));

    public long? FirstCheckpointSeq(string reason) => db.Long("SELECT MIN(seq) FROM audit_checkpoints WHERE reason = @reason", ("@reason", reason));

    public long IndexedUpTo() => db.Long("SELECT COALESCE((SELECT upto FROM audit_subjects_indexed WHERE id = 1), 0)") ?? 0;

    public IReadOnlyList<(long Seq, string Subjects)> SubjectsAfter(long afterSeq, int max) =>
        db.Rows("SELECT seq, subjects FROM audit_entries WHERE seq > @upto ORDER BY seq LIMIT @max", r => (Columns.Long(r, 0), r.GetString(1)), ("@upto", afterSeq), ("@max", (long)max));

    public void Index(IReadOnlyList<(string SubjectKey, long FirstSeq, long LastSeq)> runs, long upto)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var (key, first, last) in runs)
        {
            db.Run("INSERT INTO audit_subjects (subject_key, first_seq, last_seq) VALUES (@key, @first, @last)", ("@key", key), ("@first", first), ("@last", last));
        }

        db.Run("INSERT INTO audit_subjects_indexed (id, upto) VALUES (1, @upto) ON CONFLICT (id) DO UPDATE SET upto = excluded.upto", ("@upto", upto));
    }

    public IEnumerable<(string SubjectKey, long FirstSeq, long LastSeq)> IndexRuns()
    {
        // Keyset pages over (first_seq, subject_key), in the order the verifier walks the entries.
        var (first, key) = (-1L, "");
        while (true)
        {
            var page = db.Rows(
                "SELECT subject_key, first_seq, last_seq FROM audit_subjects WHERE first_seq > @f OR (first_seq = @f AND subject_key > @k) ORDER BY first_seq, subject_key LIMIT @page",
                r => (r.GetString(0), Columns.Long(r, 1), Columns.Long(r, 2)), ("@f", first), ("@k", key), ("@page", (long)Page));
            foreach (var run in page)
            {
                yield return run;
            }

            if (page.Count < Page)
            {
                yield break;
            }

            (key, first, _) = page[^1];
        }
    }

    public void LockTree() => db.Dialect.Lock(db, StoreLock.AuditTree);

    public long TreeSize() => (db.Long("SELECT MAX(idx) FROM audit_tree WHERE level = 0") ?? -1) + 1;

    public byte[]? TreeNode(int level, long index) =>
        db.Row("SELECT hash FROM audit_tree WHERE level = @level AND idx = @idx", r => (byte[])r.GetValue(0), ("@level", level), ("@idx", index));

    public void InsertTreeNodes(IReadOnlyList<(int Level, long Index, byte[] Hash)> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);

        // One prepared statement a row: a many-row statement measured slower (its parameters are looked up by name).
        foreach (var (level, index, hash) in nodes)
        {
            db.Run("INSERT INTO audit_tree (level, idx, hash) VALUES (@level, @idx, @hash)", ("@level", level), ("@idx", index), ("@hash", hash));
        }
    }

    private static StoredRow<StoredAuditEntry> ReadEntry(DbDataReader r)
    {
        var seq = Columns.Long(r, 0);
        try
        {
            return new StoredRow<StoredAuditEntry>(seq, new StoredAuditEntry(seq, r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7)), null);
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or InvalidOperationException)
        {
            return new StoredRow<StoredAuditEntry>(seq, null, $"a column has the wrong type ({ex.Message})");
        }
    }
}
