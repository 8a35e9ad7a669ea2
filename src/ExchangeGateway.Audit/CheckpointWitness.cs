using System.Globalization;
using System.Text;

namespace ExchangeGateway.Audit;

/// <summary>What a witness made of a checkpoint it was shown.</summary>
public enum WitnessVerdict
{
    /// <summary>Consistent with what it kept: kept now.</summary>
    Kept,

    /// <summary>The same tree head as one already kept.</summary>
    AlreadyKept,

    /// <summary>It contradicts a checkpoint kept before: the gateway's log was rewritten or forked. Kept apart as evidence.</summary>
    Inconsistent,

    /// <summary>Not a checkpoint signed by the gateway's checkpoint key.</summary>
    Invalid,

    /// <summary>Its consistency with the kept ones could not be checked (no proof could be had): not kept.</summary>
    Unchecked,
}

/// <summary>The verdict on one checkpoint, a sentence for the user, and the file it was written to (if any).</summary>
public sealed record WitnessOutcome(WitnessVerdict Verdict, string Message, string? File);

/// <summary>What the gateway answered when asked for a consistency proof: the proof, its refusal to give one, or nothing.</summary>
public sealed record ConsistencyAnswer(ConsistencyProof? Proof, string? Refusal)
{
    /// <summary>No answer (the network, or a fault of the gateway): the checkpoint cannot be checked now.</summary>
    public static ConsistencyAnswer None { get; } = new(null, null);
}

/// <summary>
/// An agency as a witness of the gateway's audit log: it keeps, in a folder, every checkpoint it is shown (on pushes and
/// mailbox fetches), each only after a consistency proof from the gateway shows it extends (or is extended by) the
/// newest one kept. A checkpoint that contradicts a kept one is written apart (<c>*.inconsistent</c>) as evidence.
/// <c>exg audit verify --witness</c> later checks the trail against the kept ones.
/// </summary>
public sealed class CheckpointWitness(string folder, CheckpointKeys keys)
{
    /// <summary>The file ending of a checkpoint that contradicted a kept one.</summary>
    public const string InconsistentExtension = ".inconsistent";

    /// <summary>The folder of kept checkpoints.</summary>
    public string Folder => folder;

    /// <summary>True when at least one checkpoint is kept (a gateway that then sends none is worth a word).</summary>
    public bool HoldsAny => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*" + WitnessCheckpoint.FileExtension).Any();

    /// <summary>
    /// Checks and keeps the checkpoint of an <c>X-Audit-Checkpoint</c> header (the signed note in base64);
    /// <paramref name="proof"/> asks the gateway for the consistency proof between two sizes. A gateway that refuses to
    /// prove it (its tree no longer reaches a kept size) contradicts the kept checkpoint as surely as a false proof does.
    /// </summary>
    public async Task<WitnessOutcome> ObserveAsync(string headerValue, Func<long, long, Task<ConsistencyAnswer>> proof)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        ArgumentNullException.ThrowIfNull(proof);
        string note;
        try
        {
            note = Encoding.UTF8.GetString(Convert.FromBase64String(headerValue.Trim()));
        }
        catch (FormatException)
        {
            return new WitnessOutcome(WitnessVerdict.Invalid, "the gateway's audit checkpoint header is not base64", null);
        }

        var (head, refusal) = keys.Open(note);
        if (head is null)
        {
            return new WitnessOutcome(WitnessVerdict.Invalid, $"the gateway showed an audit checkpoint that is not its own: {refusal}", null);
        }

        var kept = KeptNear(head.Size);
        if (kept.FirstOrDefault(k => k.Head!.Size == head.Size) is { } same)
        {
            return same.Head!.Equals(head)
                ? new WitnessOutcome(WitnessVerdict.AlreadyKept, $"audit checkpoint over {head.Size} entries already kept ({same.Name})", null)
                : Contradiction(note, head, same, "the same number of entries with another root");
        }

        if (kept.Count > 0)
        {
            var newest = kept.MaxBy(k => k.Head!.Size)!;
            var (older, newer) = newest.Head!.Size < head.Size ? (newest.Head, head) : (head, newest.Head);
            var answer = await proof(older.Size, newer.Size).ConfigureAwait(false);
            if (answer.Refusal is { } unproved)
            {
                return Contradiction(note, head, newest, $"a tree the gateway will not prove consistent with it (asked for the proof from {older.Size} to {newer.Size} entries, it answered: {unproved})");
            }

            if (answer.Proof is not { } consistency)
            {
                return new WitnessOutcome(WitnessVerdict.Unchecked, $"audit checkpoint over {head.Size} entries not checked and not kept: the gateway gave no consistency proof with {newest.Name} (pull again to check it)", null);
            }

            if (!consistency.Proves(older, newer))
            {
                return Contradiction(note, head, newest, $"a tree that does not {(newer == head ? "extend" : "lead to")} it (the consistency proof from {older.Size} to {newer.Size} entries fails)");
            }
        }

        var file = Path.Combine(folder, $"{head.Size.ToString("D12", CultureInfo.InvariantCulture)}-{RootTag(head)}{WitnessCheckpoint.FileExtension}");
        Write(file, note);
        return new WitnessOutcome(WitnessVerdict.Kept, $"audit checkpoint over {head.Size} entries kept in {file}", file);
    }

    private WitnessOutcome Contradiction(string note, TreeHead head, WitnessCheckpoint kept, string what)
    {
        var file = Path.Combine(folder, $"{head.Size.ToString("D12", CultureInfo.InvariantCulture)}-{RootTag(head)}{InconsistentExtension}");
        Write(file, note);
        return new WitnessOutcome(
            WitnessVerdict.Inconsistent,
            $"THE GATEWAY'S AUDIT LOG CONTRADICTS A CHECKPOINT KEPT HERE: it now shows {head.Size} entries with root {Convert.ToBase64String(head.RootHash)}, "
            + $"{what} than {kept.Name} ({kept.Head!.Size} entries, root {Convert.ToBase64String(kept.Head.RootHash)}). The trail was cut or rewritten, "
            + $"or another agency is shown another log. Both are kept ({file}); tell the gateway's information governance lead.",
            file);
    }

    // The kept checkpoints a new one is checked against: the largest, and any of the same size. Names start with the
    // size in twelve digits, so only those are opened and verified, however many are kept.
    private List<WitnessCheckpoint> KeptNear(long size)
    {
        Directory.CreateDirectory(folder);
        var bySize = Directory.GetFiles(folder, "*" + WitnessCheckpoint.FileExtension)
            .Select(file => (File: file, Size: long.TryParse(Path.GetFileName(file).Split('-')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1))
            .Where(f => f.Size >= 0)
            .ToList();
        var largest = bySize.Count == 0 ? -1 : bySize.Max(f => f.Size);
        return [.. bySize.Where(f => f.Size == largest || f.Size == size)
            .Select(f => WitnessCheckpoint.Of(Path.GetFileName(f.File), File.ReadAllText(f.File), keys))
            .Where(k => k.Head is not null)];
    }

    private static string RootTag(TreeHead head) => Convert.ToHexStringLower(head.RootHash)[..16];

    // Written whole then moved into place, so a crash never leaves half a checkpoint for verify --witness to trip on.
    private static void Write(string path, string text)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
