using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>The checkpoints of the trail: signing the head on shutdown, on a timer and at start, and reading the newest.</summary>
public sealed partial class AuditLog
{
    /// <summary>
    /// Signs the head of the trail (its last seq and hash) and stores the checkpoint in the caller's unit of work; null
    /// when the trail is empty. Call it on shutdown with <see cref="CheckpointReason.Shutdown"/>: a later cut of the tail then shows.
    /// </summary>
    public AuditCheckpoint? Checkpoint(IAuditStore store, DateTimeOffset time, CheckpointReason reason = CheckpointReason.Shutdown) =>
        SignHead(store, time, reason, onlyWhenUncovered: false);

    /// <summary>
    /// Signs the head unless the newest checkpoint already signs it; returns the new checkpoint, or null when there was
    /// nothing to sign (an empty trail, or a head already covered). For the gateway's timer and its start.
    /// </summary>
    public AuditCheckpoint? CheckpointIfUncovered(IAuditStore store, DateTimeOffset time, CheckpointReason reason) =>
        SignHead(store, time, reason, onlyWhenUncovered: true);

    /// <summary>The seq the newest checkpoint signs, or null when there is none.</summary>
    public static long? LastCheckpointSeq(IAuditStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.NewestCheckpoint()?.Seq;
    }

    /// <summary>The number the next checkpoint takes.</summary>
    internal static long NextCheckpointNumber(IAuditStore store) => (store.NewestCheckpoint()?.Number ?? 0) + 1;

    private AuditCheckpoint? SignHead(IAuditStore store, DateTimeOffset time, CheckpointReason reason, bool onlyWhenUncovered)
    {
        ArgumentNullException.ThrowIfNull(store);

        // The head lock first, as for an append: another instance's entry must not land between the check and the
        // signature; then the tree's, under which checkpoints are numbered.
        store.LockHead();
        var head = store.Head();
        if (head is null || (onlyWhenUncovered && LastCheckpointSeq(store) == head.Value.Seq))
        {
            return null;
        }

        store.LockTree();
        if (TailProblem(store, CheckpointInterval, MaxTreeLag) is { } problem)
        {
            throw new AuditIntegrityException($"refusing to sign the audit trail's head (entry {head.Value.Seq}): {problem}; run exg audit verify");
        }

        // The tree is built behind the trail; a tree head needs it to reach the head (which may sign interval checkpoints on the way).
        ExtendTreeToHead(store, head.Value.Seq);
        if (onlyWhenUncovered && LastCheckpointSeq(store) == head.Value.Seq)
        {
            return null;
        }

        return Sign(store, head.Value, TreeRoot(store, head.Value.Seq), AuditChain.ToStoredPrecision(time), reason);
    }

    private AuditCheckpoint Sign(IAuditStore store, (long Seq, string Hash) head, byte[] root, DateTimeOffset time, CheckpointReason reason)
    {
        var checkpoint = Signer.Checkpoint(NextCheckpointNumber(store), head, root, time, reason);
        store.Insert(new StoredCheckpoint(
            checkpoint.Number, checkpoint.Seq, checkpoint.Hash, AuditChain.FormatTime(checkpoint.Time), AuditChain.ReasonName(checkpoint.Reason), checkpoint.Signer, checkpoint.Signature));
        return checkpoint;
    }
}
