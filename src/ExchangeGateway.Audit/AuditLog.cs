using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>
/// The append-only, hash-chained audit trail in the gateway's database. It is written through the <see cref="IAuditStore"/>
/// of the caller's unit of work, so that a stored change and its entry commit or roll back together. A Merkle tree over
/// the entries is built behind the trail (<see cref="ExtendTree"/>), which signs a checkpoint (a signed tree head) every
/// <see cref="CheckpointInterval"/> entries; the gateway also signs the head on a timer, at start and on shutdown
/// (<see cref="Checkpoint"/>). There is no code path that updates or deletes, and the database's triggers
/// refuse UPDATE and DELETE on the audit tables. This class holds the rules (canonical forms, chaining, signing); the
/// store holds only the rows.
/// </summary>
public sealed partial class AuditLog
{
    /// <summary>Entries between two interval checkpoints unless told otherwise.</summary>
    public const int DefaultCheckpointInterval = 100;

    /// <summary>The largest interval between checkpoints a trail may be written with.</summary>
    public const int MaxCheckpointInterval = 10_000;

    /// <summary>The triggers that keep the tables append-only; the verifier warns when one is missing.</summary>
    public static readonly IReadOnlyList<string> Triggers =
    [
        "audit_entries_no_update", "audit_entries_no_delete", "audit_entries_chain",
        "audit_subjects_no_update", "audit_subjects_no_delete", "audit_subjects_in_order",
        "audit_subjects_indexed_forward", "audit_subjects_indexed_no_delete",
        "audit_checkpoints_no_update", "audit_checkpoints_no_delete", "audit_checkpoints_in_order",
        "audit_tree_no_update", "audit_tree_no_delete", "audit_tree_in_order", "audit_tree_over_leaves",
    ];

    // The person index (audit_subjects) holds one row per person per run of consecutive entries about the same people
    // (an accepted submission's seven entries are one run), not one per entry. It is built behind the trail
    // (IndexSubjects) rather than in each appending unit of work, so that an accept writes only its entries' pages.
    // The migrations' CHECK on audit_subjects (last_seq - first_seq < 64) must agree with this.
    private const int MaxRun = 64;

    /// <summary>
    /// A trail that signs a checkpoint with <paramref name="signer"/> every <paramref name="checkpointInterval"/> entries,
    /// its tree kept within <paramref name="maxTreeLag"/> entries of the head.
    /// </summary>
    public AuditLog(CheckpointSigner signer, int checkpointInterval = DefaultCheckpointInterval, int maxTreeLag = DefaultMaxTreeLag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTreeLag, 1);
        MaxTreeLag = maxTreeLag;
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointInterval, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(checkpointInterval, MaxCheckpointInterval);
        Signer = signer;
        CheckpointInterval = checkpointInterval;
    }

    /// <summary>The gateway's signing identity.</summary>
    public CheckpointSigner Signer { get; }

    /// <summary>An interval checkpoint is signed when the tree reaches a multiple of this many entries.</summary>
    public int CheckpointInterval { get; }

    /// <summary>"an NHS number" or "a prison number" when free text holds one (Append would refuse it), else null.</summary>
    public static string? IdentifierIn(string text) => DraftRules.LooksLikeIdentifier(text);

    /// <summary>True when the database has the audit tables.</summary>
    public static bool HasSchema(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.HasSchema();
    }

    /// <summary>
    /// Appends an entry in the caller's unit of work (the caller commits): takes the head lock, reads the last seq and
    /// hash, links to them and inserts. Throws ArgumentException for a draft that breaks the rules (unknown type, bad
    /// actor, identifiers in clear, ...).
    /// </summary>
    public AuditEntry Append(IAuditStore store, AuditRecord draft, DateTimeOffset time) =>
        AppendAll(store, [draft], time)[0];

    /// <summary>
    /// Appends entries in order, as <see cref="Append"/> would one by one, but reading the head once. Every draft is
    /// checked before anything is written.
    /// </summary>
    public IReadOnlyList<AuditEntry> AppendAll(IAuditStore store, IReadOnlyList<AuditRecord> drafts, DateTimeOffset time) =>
        AppendAll(store, AuditBatch.Of(drafts), time);

    /// <summary>
    /// Appends a batch checked and put in canonical form beforehand (<see cref="AuditBatch.Of"/>), so that only the
    /// chaining and the inserts happen inside the caller's unit of work: what one event writes (an accepted submission's
    /// decisions and packages) holds the head lock as briefly as possible.
    /// </summary>
    public IReadOnlyList<AuditEntry> AppendAll(IAuditStore store, AuditBatch batch, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return [];
        }

        // Before reading the head: instances sharing a database must not both link to the same entry.
        store.LockHead();
        var head = store.Head();
        var storedTime = AuditChain.ToStoredPrecision(time);
        var storedTimeText = AuditChain.FormatTime(storedTime);
        var timeJson = CanonicalJson.Value(storedTimeText);

        var entries = new List<AuditEntry>(batch.Count);
        foreach (var item in batch.Items)
        {
            var seq = (head?.Seq ?? 0) + 1;
            var prevHash = head?.Hash ?? AuditChain.Genesis;
            var hash = item.Form.Hash(prevHash, seq, timeJson);
            var entry = new AuditEntry(seq, storedTime, item.Type, item.Actor, item.Subjects, item.Details, prevHash, hash);
            store.Insert(new StoredAuditEntry(seq, storedTimeText, item.Type, item.Actor, item.Form.Subjects, item.CanonicalDetails, prevHash, hash));
            entries.Add(entry);
            head = (seq, hash);
        }

        KeepTreeNear(store, entries[^1].Seq);
        return entries;
    }

    /// <summary>The last entry's seq and hash, or null for an empty trail.</summary>
    public static (long Seq, string Hash)? Head(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Head();
    }

    /// <summary>Every entry from <paramref name="fromSeq"/> on, in seq order; InvalidDataException for a row that is not a well-formed entry.</summary>
    public static IEnumerable<AuditEntry> Entries(IAuditStore store, long fromSeq = 1)
    {
        ArgumentNullException.ThrowIfNull(store);
        return ReadRows(store, fromSeq).Select(row => row.Entry ?? throw Malformed(row));
    }

    /// <summary>Every checkpoint, in number order; InvalidDataException for a malformed row.</summary>
    public static IReadOnlyList<AuditCheckpoint> Checkpoints(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return [.. ReadCheckpointRows(store).Select(row => row.Checkpoint ?? throw new InvalidDataException($"audit checkpoint {row.Number} is malformed: {row.Problem}"))];
    }

    /// <summary>
    /// The entries about one person (a <see cref="PersonKeys"/> key), in seq order, optionally only those at or after
    /// <paramref name="from"/> and at or before <paramref name="to"/>. Found through the person index, and by reading the
    /// entries the index has not reached yet; every entry found is checked against its own (hashed) subjects, so an index
    /// row cannot put someone else's entry in the answer. Run it in a snapshot, so the index and the entries agree.
    /// </summary>
    public static IReadOnlyList<AuditEntry> EntriesFor(IAuditStore store, string subjectKey, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(subjectKey);

        // The stored subjects are canonical JSON, so the key is looked for quoted as it is written there.
        var rows = store.EntriesAbout(subjectKey, CanonicalJson.Value(subjectKey), store.IndexedUpTo());
        var found = new List<AuditEntry>();
        foreach (var row in rows.Select(AuditRows.FromStored))
        {
            var entry = row.Entry ?? throw Malformed(row);

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
    /// unit of work; returns how many entries it read, so a caller that gets <paramref name="maxEntries"/> back knows
    /// there is more. The gateway runs it in the background, a batch at a time, off the accept path.
    /// </summary>
    public static int IndexSubjects(IAuditStore store, int maxEntries = 10_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);

        // Two instances indexing at once would both extend from the same position; the second waits and reads the new one.
        store.LockIndex();

        // An entry whose subjects do not parse is left out of the index; the verifier reports it.
        var entries = store.SubjectsAfter(store.IndexedUpTo(), maxEntries)
            .Select(row => (row.Seq, Subjects: AuditRows.TryParseSubjects(row.Subjects, out var subjects) ? subjects : []))
            .ToList();
        if (entries.Count == 0)
        {
            return 0;
        }

        var runs = new List<(string SubjectKey, long FirstSeq, long LastSeq)>();
        var start = 0;
        for (var i = 1; i <= entries.Count; i++)
        {
            // A run: consecutive seqs about the same people, at most MaxRun long.
            if (i < entries.Count && entries[i].Seq == entries[i - 1].Seq + 1 && i - start < MaxRun && entries[i].Subjects.SequenceEqual(entries[start].Subjects, StringComparer.Ordinal))
            {
                continue;
            }

            runs.AddRange(entries[start].Subjects.Distinct(StringComparer.Ordinal).Select(subject => (subject, entries[start].Seq, entries[i - 1].Seq)));
            start = i;
        }

        store.Index(runs, entries[^1].Seq);
        return entries.Count;
    }

    /// <summary>The last seq the person index covers (0 when it covers none).</summary>
    public static long IndexedUpTo(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.IndexedUpTo();
    }

    /// <summary>The entries as rows, each either an entry or the reason it is not one (for the verifier, which must not stop at the first).</summary>
    internal static IEnumerable<EntryRow> ReadRows(IAuditStore store, long fromSeq = 1) =>
        store.Entries(fromSeq).Select(AuditRows.FromStored);

    /// <summary>The checkpoints as rows, each either a checkpoint or the reason it is not one.</summary>
    internal static IReadOnlyList<CheckpointRow> ReadCheckpointRows(IAuditStore store) =>
        [.. store.Checkpoints().Select(AuditRows.FromStored)];

    private static InvalidDataException Malformed(EntryRow row) => new($"audit entry {row.Seq} is malformed: {row.Problem}");
}
