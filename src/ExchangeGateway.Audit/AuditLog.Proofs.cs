using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>What a proof of one entry gives its reader: the entry, the proof, and the checkpoint it is proved against.</summary>
public sealed record EntryReceipt(AuditEntry Entry, InclusionProof Proof, AuditCheckpoint Checkpoint);

/// <summary>Proofs from the stored tree: inclusion of an entry in the newest checkpoint's tree, and consistency between two sizes.</summary>
public sealed partial class AuditLog
{
    /// <summary>The newest checkpoint, or null when none is signed yet; InvalidDataException for a malformed row.</summary>
    public static AuditCheckpoint? LatestCheckpoint(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.NewestCheckpoint() is not { } newest)
        {
            return null;
        }

        var row = AuditRows.Checkpoint(newest.Number, newest.Seq, newest.Hash, newest.Time, newest.Reason, newest.Signer, newest.Signature);
        return row.Checkpoint ?? throw new InvalidDataException($"audit checkpoint {newest.Number} is malformed: {row.Problem}");
    }

    /// <summary>
    /// Entry <paramref name="seq"/> with its inclusion proof in the tree the newest checkpoint signs; null when no
    /// checkpoint covers it yet (ArgumentOutOfRangeException for a seq that is not an entry's). Read it in a snapshot.
    /// </summary>
    public static EntryReceipt? Prove(IAuditStore store, long seq)
    {
        ArgumentNullException.ThrowIfNull(store);
        var head = store.Head()?.Seq ?? 0;
        if (seq < 1 || seq > head)
        {
            throw new ArgumentOutOfRangeException(nameof(seq), seq, head == 0 ? "the audit trail is empty" : $"the audit trail's entries are 1 to {head}");
        }

        if (LatestCheckpoint(store) is not { } checkpoint || checkpoint.Seq < seq)
        {
            return null;
        }

        var row = store.EntryPage(seq, 1) is [var read] && read.Key == seq ? AuditRows.FromStored(read) : null;
        var entry = row?.Entry ?? throw new InvalidDataException($"audit entry {seq} is missing or malformed: {row?.Problem}");
        var nodes = TreeNodes(store);
        var leaf = nodes.Find(seq - 1, 1) ?? throw new InvalidOperationException($"audit tree leaf {seq - 1} is missing");

        // A receipt whose entry is not the proved leaf would prove nothing: the stored tree or the entry was changed.
        if (!leaf.AsSpan().SequenceEqual(AuditTree.Leaf(entry)))
        {
            throw new InvalidDataException($"audit entry {seq} is not the stored tree's leaf {seq - 1}");
        }
        var proof = new InclusionProof(seq - 1, checkpoint.Seq, leaf, MerkleTree.InclusionProof(nodes, seq - 1, checkpoint.Seq));
        return new EntryReceipt(entry, proof, checkpoint);
    }

    /// <summary>
    /// The consistency proof from the tree of <paramref name="from"/> entries to the tree of <paramref name="to"/>, both
    /// at most the stored tree's size; ArgumentOutOfRangeException naming the one that is not.
    /// </summary>
    public static ConsistencyProof Consistency(IAuditStore store, long from, long to)
    {
        ArgumentNullException.ThrowIfNull(store);
        var size = store.TreeSize();
        if (to < 0 || to > size)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"the tree covers {size} entries");
        }

        if (from < 0 || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), from, $"from must be 0 to {to}");
        }

        return new ConsistencyProof(from, to, from == 0 ? [] : MerkleTree.ConsistencyProof(TreeNodes(store), from, to));
    }

    /// <summary>
    /// The entry that records the delivery of message <paramref name="messageId"/>: its push's delivered result, or the
    /// first fetch from the mailbox; null while there is none. Found through the person index of the message's people.
    /// </summary>
    public static AuditEntry? DeliveryEntry(IAuditStore store, string messageId, IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(personKeys);
        return personKeys.Count == 0 ? null : EntriesFor(store, personKeys[0]).FirstOrDefault(entry =>
            entry.DetailText("messageId") == messageId
            && ((entry.Type == AuditEventTypes.DeliveryResult && entry.DetailText("result") == "delivered") || entry.Type == AuditEventTypes.MailboxFetch));
    }
}
