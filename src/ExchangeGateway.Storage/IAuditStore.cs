namespace ExchangeGateway.Storage;

/// <summary>
/// The audit trail's rows, in the unit of work of the change they record. The chain's rules (hashes, canonical forms,
/// signatures) live in ExchangeGateway.Audit; this is only what is stored and read, as stored text, so the verifier can
/// name a malformed row instead of trusting it.
/// </summary>
public interface IAuditStore
{
    /// <summary>True when the database has the audit tables.</summary>
    bool HasSchema();

    /// <summary>The append-only triggers present (the verifier warns about any missing).</summary>
    IReadOnlyList<string> Triggers();

    /// <summary>
    /// Serialises appenders until the unit of work ends, across every instance on the database, so that seq and prev_hash
    /// form one chain. Call before <see cref="Head"/> when about to append or sign.
    /// </summary>
    void LockHead();

    /// <summary>Serialises person indexers until the unit of work ends, across every instance: call before reading where the index has reached.</summary>
    void LockIndex();

    /// <summary>The last entry's seq and hash, or null for an empty trail.</summary>
    (long Seq, string Hash)? Head();

    /// <summary>Stores an entry in its stored forms.</summary>
    void Insert(StoredAuditEntry entry);

    /// <summary>Entries from <paramref name="fromSeq"/> on, in seq order, each as stored or with why it is malformed.</summary>
    IEnumerable<StoredRow<StoredAuditEntry>> Entries(long fromSeq);

    /// <summary>At most <paramref name="max"/> entries from <paramref name="fromSeq"/> on, in seq order, read at once.</summary>
    IReadOnlyList<StoredRow<StoredAuditEntry>> EntryPage(long fromSeq, int max);

    /// <summary>Entries the person index lists for <paramref name="subjectKey"/>, plus entries after <paramref name="unindexedAfter"/> whose subjects contain <paramref name="subjectText"/>, in seq order.</summary>
    IReadOnlyList<StoredRow<StoredAuditEntry>> EntriesAbout(string subjectKey, string subjectText, long unindexedAfter);

    /// <summary>Stores a checkpoint.</summary>
    void Insert(StoredCheckpoint checkpoint);

    /// <summary>Every checkpoint in number order, each as stored or with why it is malformed.</summary>
    IReadOnlyList<StoredRow<StoredCheckpoint>> Checkpoints();

    /// <summary>The newest checkpoint, or null.</summary>
    StoredCheckpoint? NewestCheckpoint();

    /// <summary>The smallest seq a checkpoint with this reason signs, or null.</summary>
    long? FirstCheckpointSeq(string reason);

    /// <summary>The last seq the person index covers (0 when none).</summary>
    long IndexedUpTo();

    /// <summary>Up to <paramref name="max"/> entries after <paramref name="afterSeq"/>: seq and stored subjects.</summary>
    IReadOnlyList<(long Seq, string Subjects)> SubjectsAfter(long afterSeq, int max);

    /// <summary>Adds person-index runs and moves the index's position to <paramref name="upto"/>.</summary>
    void Index(IReadOnlyList<(string SubjectKey, long FirstSeq, long LastSeq)> runs, long upto);

    /// <summary>Every person-index run, by first seq.</summary>
    IEnumerable<(string SubjectKey, long FirstSeq, long LastSeq)> IndexRuns();

    /// <summary>Serialises Merkle tree builders until the unit of work ends, across every instance: call before reading the tree's size to extend it.</summary>
    void LockTree();

    /// <summary>How many leaves the stored Merkle tree has (the entries it covers, from seq 1).</summary>
    long TreeSize();

    /// <summary>The stored hash of the complete subtree at <paramref name="level"/> (2^level leaves) number <paramref name="index"/>, or null.</summary>
    byte[]? TreeNode(int level, long index);

    /// <summary>Stores tree nodes: leaves (level 0) in order, and the complete subtrees they finish.</summary>
    void InsertTreeNodes(IReadOnlyList<(int Level, long Index, byte[] Hash)> nodes);
}

/// <summary>An audit entry as stored: time in its stored text form, subjects and details in the canonical JSON the hash covers.</summary>
public sealed record StoredAuditEntry(long Seq, string Time, string Type, string Actor, string Subjects, string Details, string PrevHash, string Hash);

/// <summary>A checkpoint as stored.</summary>
public sealed record StoredCheckpoint(long Number, long Seq, string Hash, string Time, string Reason, string Signer, string Signature);

/// <summary>A row read back: its key, the row, or why it could not be read as one (a column of the wrong type).</summary>
public sealed record StoredRow<T>(long? Key, T? Row, string? Problem)
    where T : class;
