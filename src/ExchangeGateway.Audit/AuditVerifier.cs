using ExchangeGateway.Crypto;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>One thing wrong with a trail: the first seq it makes untrustworthy, and why.</summary>
public sealed record AuditProblem(long Seq, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"seq {Seq}: {Reason}";
}

/// <summary>What verifying a trail found.</summary>
public sealed class AuditVerification
{
    internal AuditVerification(long entryCount, (long Seq, string Hash)? head, IReadOnlyList<AuditCheckpoint> validCheckpoints, IReadOnlyList<AuditProblem> problems, IReadOnlyList<string> warnings)
    {
        EntryCount = entryCount;
        Head = head;
        ValidCheckpoints = validCheckpoints;
        Problems = problems;
        Warnings = warnings;
    }

    /// <summary>True when nothing is wrong (warnings allowed).</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Entries read (well-formed or not).</summary>
    public long EntryCount { get; }

    /// <summary>The last entry read: its seq and stored hash.</summary>
    public (long Seq, string Hash)? Head { get; }

    /// <summary>The checkpoints whose signature, signer and certificate check out, in number order.</summary>
    public IReadOnlyList<AuditCheckpoint> ValidCheckpoints { get; }

    /// <summary>The newest valid checkpoint, or null.</summary>
    public AuditCheckpoint? LastCheckpoint => ValidCheckpoints.Count == 0 ? null : ValidCheckpoints.MaxBy(c => (c.Seq, c.Number));

    /// <summary>Everything wrong, by seq.</summary>
    public IReadOnlyList<AuditProblem> Problems { get; }

    /// <summary>The first problem (lowest seq), or null.</summary>
    public AuditProblem? FirstProblem => Problems.Count == 0 ? null : Problems[0];

    /// <summary>The first bad seq, or null for a good trail.</summary>
    public long? FirstBadSeq => FirstProblem?.Seq;

    /// <summary>What is not wrong but limits what the verification proves (unsigned tail, unchecked revocation, missing triggers).</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Verifies a trail, from the database or from a jsonl export: recomputes every hash and link and the Merkle tree over
/// the entries, checks each checkpoint's signed tree head with the checkpoint verifier keys of the certs folder and its
/// root against the entries, and walks the chain back from every valid checkpoint; with kept checkpoints (witnesses),
/// checks the trail against each, and in a database, the stored tree against the entries. Finds an edited, deleted, inserted or reordered entry and a cut tail.
/// The signatures must reach the head (a checkpoint over the last entry; an export ends with the one signed when it was
/// written), unless the unsigned tail is allowed; a database's trail is also checked against its outbox.
/// </summary>
public sealed partial class AuditVerifier(CheckpointKeys keys)
{
    /// <summary>
    /// Verifies the trail in a database, read through <paramref name="snapshot"/> (run it in
    /// <see cref="IGatewayStore.Snapshot"/>, so the trail, its index and the outbox come from one moment). Entries after
    /// the newest valid checkpoint are a problem unless <paramref name="allowUnsignedTail"/> (a live gateway between
    /// checkpoints), when they are a warning. Every stored submission, message and delivery state must have its entry.
    /// </summary>
    public AuditVerification Verify(IStoreTransaction snapshot, bool allowUnsignedTail = false, IReadOnlyList<WitnessCheckpoint>? witnesses = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var audit = snapshot.Audit;
        var analysis = new Analysis(keys, fromExport: false, allowUnsignedTail, witnesses ?? []);
        if (!audit.HasSchema())
        {
            analysis.Problem(1, "the database has no audit trail: the audit tables are missing", content: false);
            return analysis.Finish();
        }

        foreach (var row in AuditLog.ReadCheckpointRows(audit))
        {
            analysis.AddCheckpoint(row, line: 0);
        }

        var treeSize = audit.TreeSize();
        analysis.WantRoot(treeSize);
        long index = 0;
        long headSeq = 0;
        var outbox = new OutboxCrossCheck();
        using var indexCheck = new PersonIndexCheck(audit);
        foreach (var row in AuditLog.ReadRows(audit))
        {
            analysis.AddEntry(row, ++index);
            indexCheck.Observe(row);
            outbox.Observe(row);
            headSeq = Math.Max(headSeq, row.Seq ?? 0);
        }

        analysis.CheckStoredTree(audit, treeSize);
        var personIndex = indexCheck.Finish();
        var outboxProblems = outbox.Compare(snapshot.Admin, headSeq);

        var present = audit.Triggers().ToHashSet(StringComparer.Ordinal);
        var missing = AuditLog.Triggers.Where(t => !present.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            analysis.Warn($"the append-only triggers {string.Join(", ", missing)} are missing: someone dropped them");
        }

        return analysis.Finish(personIndex, outboxProblems);
    }

    /// <summary>
    /// Verifies a jsonl export: it must end with the checkpoint signed when it was written, over its last entry, unless
    /// <paramref name="allowUnsignedTail"/> (an export made without the gateway key), when that is a warning. An empty
    /// export always fails.
    /// </summary>
    public AuditVerification VerifyExport(TextReader jsonl, bool allowUnsignedTail = false, IReadOnlyList<WitnessCheckpoint>? witnesses = null)
    {
        ArgumentNullException.ThrowIfNull(jsonl);
        var analysis = new Analysis(keys, fromExport: true, allowUnsignedTail, witnesses ?? []);
        foreach (var line in AuditJsonl.Read(jsonl))
        {
            if (line.Entry is not null)
            {
                analysis.AddEntry(line.Entry, line.Line);
            }
            else if (line.Checkpoint is not null)
            {
                analysis.AddCheckpoint(line.Checkpoint, line.Line);
            }
            else
            {
                analysis.AddEntry(new EntryRow(null, null, line.Problem), line.Line);
            }
        }

        return analysis.Finish();
    }
}
