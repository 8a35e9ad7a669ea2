using System.Text.Json;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>
/// The jsonl export: one line per entry (its canonical form plus <c>hash</c>) in seq order, each checkpoint on the line
/// after the entry it signs (<c>{"checkpoint":N,...,"signature":...}</c>), and last a checkpoint signed at export time.
/// Verifiable offline with the certs folder.
/// </summary>
public static class AuditJsonl
{
    private static readonly HashSet<string> EntryFields = ["seq", "time", "type", "actor", "subjects", "details", "prevHash", "hash"];
    private static readonly HashSet<string> CheckpointFields = ["checkpoint", "seq", "hash", "time", "reason", "signer", "purpose", "signature"];

    /// <summary>
    /// Writes the whole trail, read through <paramref name="store"/> (a snapshot's: the entries and checkpoints must come
    /// from the same moment even while the gateway appends), ending with a checkpoint signed by <paramref name="signer"/>
    /// at <paramref name="time"/> over the last entry written (reason export); returns the number of entries written.
    /// The verifier requires that last line, so an export cut anywhere, even just after an earlier checkpoint, fails.
    /// Without a signer the export ends unsigned and verifies only with the unsigned tail allowed. Throws
    /// InvalidOperationException for an empty trail: there is nothing to sign.
    /// </summary>
    public static long Write(IAuditStore store, TextWriter output, CheckpointSigner? signer, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        if (signer is not null && AuditLog.TailProblem(store, AuditLog.IntervalOf(store)) is { } problem)
        {
            // Checked before a line is written: an export signed over a rewritten tail would vouch for it.
            throw new AuditIntegrityException($"refusing to sign the export: {problem}; run exg audit verify");
        }

        var head = AuditLog.Head(store) ?? throw new InvalidOperationException("the audit trail is empty: there is nothing to export");
        var checkpoints = AuditLog.Checkpoints(store).ToLookup(c => c.Seq);
        long count = 0;
        var written = new HashSet<long>();
        var tree = new MerkleRange();
        foreach (var entry in AuditLog.Entries(store))
        {
            written.Add(entry.Seq);
            if (entry.Seq == tree.Size + 1)
            {
                tree.Append(AuditTree.Leaf(entry));
            }

            output.Write(AuditChain.ExportLine(entry));
            output.Write('\n');
            foreach (var checkpoint in checkpoints[entry.Seq])
            {
                output.Write(AuditChain.ExportLine(checkpoint));
                output.Write('\n');
            }

            count++;
        }

        // Checkpoints whose entry is not in the trail are exported too, so that the verifier can see what they prove is missing.
        foreach (var orphan in checkpoints.Where(g => !written.Contains(g.Key)).SelectMany(g => g))
        {
            output.Write(AuditChain.ExportLine(orphan));
            output.Write('\n');
        }

        if (signer is not null)
        {
            // Numbered after the stored ones but not stored: a later export never holds it mid-file, where a cut after it would pass.
            // The tree head is computed from the entries just written, not from the stored tree, which may lag the snapshot's head.
            if (tree.Size != head.Seq)
            {
                throw new AuditIntegrityException($"refusing to sign the export: the entries stop being consecutive at {tree.Size + 1}; run exg audit verify");
            }

            var number = AuditLog.NextCheckpointNumber(store);
            output.Write(AuditChain.ExportLine(signer.Checkpoint(number, head, tree.Root(), AuditChain.ToStoredPrecision(time), CheckpointReason.Export)));
            output.Write('\n');
        }

        return count;
    }

    /// <summary>Reads an export line by line: entries, checkpoints, and lines that are neither (with why).</summary>
    internal static IEnumerable<ExportLine> Read(TextReader input)
    {
        long lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            yield return Parse(line, lineNumber);
        }
    }

    private static ExportLine Parse(string line, long lineNumber)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ExportLine(lineNumber, null, null, "not a JSON object");
            }

            var names = root.EnumerateObject().Select(p => p.Name).ToList();
            if (names.Count != names.Distinct(StringComparer.Ordinal).Count())
            {
                return new ExportLine(lineNumber, null, null, "a field appears twice");
            }

            return root.TryGetProperty("checkpoint", out _) ? ParseCheckpoint(root, names, lineNumber) : ParseEntry(root, names, lineNumber);
        }
        catch (JsonException ex)
        {
            return new ExportLine(lineNumber, null, null, $"not JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json accepts an escaped lone surrogate ("\ud800") when parsing but throws when the string is read.
            return new ExportLine(lineNumber, null, null, $"not readable text ({ex.Message})");
        }
    }

    private static ExportLine ParseEntry(JsonElement root, List<string> names, long lineNumber)
    {
        long? seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) ? n : null;
        if (names.FirstOrDefault(name => !EntryFields.Contains(name)) is { } extra)
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, $"unexpected field '{extra}'"), null, null);
        }

        if (EntryFields.FirstOrDefault(name => !root.TryGetProperty(name, out _)) is { } missing)
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, $"no '{missing}'"), null, null);
        }

        if (!AuditRows.TryReadSubjects(root.GetProperty("subjects"), out var subjects))
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, "subjects are not an array of strings"), null, null);
        }

        if (Text(root, "time") is not { } time || Text(root, "type") is not { } type || Text(root, "actor") is not { } actor
            || Text(root, "prevHash") is not { } prev || Text(root, "hash") is not { } hash)
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, "time, type, actor, prevHash and hash must be strings"), null, null);
        }

        if (!AuditRows.TryReadDetails(root.GetProperty("details"), out var details, out var problem))
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, problem), null, null);
        }

        if (seq is null || !AuditChain.TryParseTime(time, out var when))
        {
            return new ExportLine(lineNumber, new EntryRow(seq, null, seq is null ? "seq is not an integer" : $"time '{time}' is not in the stored form"), null, null);
        }

        // Subjects keep the order of the line: the hash is over that order, so a reordered list shows as an edit.
        var entry = new AuditEntry(seq.Value, when, type, actor, subjects, details!, prev, hash);
        return new ExportLine(lineNumber, new EntryRow(seq, entry, null), null, null);
    }

    private static ExportLine ParseCheckpoint(JsonElement root, List<string> names, long lineNumber)
    {
        var checkpoint = root.GetProperty("checkpoint");
        long? number = checkpoint.ValueKind == JsonValueKind.Number && checkpoint.TryGetInt64(out var n) ? n : null;
        if (names.FirstOrDefault(name => !CheckpointFields.Contains(name)) is { } extra)
        {
            return new ExportLine(lineNumber, null, new CheckpointRow(number, null, $"unexpected field '{extra}'"), null);
        }

        if (CheckpointFields.FirstOrDefault(name => !root.TryGetProperty(name, out _)) is { } missing)
        {
            return new ExportLine(lineNumber, null, new CheckpointRow(number, null, $"no '{missing}'"), null);
        }

        if (Text(root, "purpose") != AuditChain.CheckpointPurpose)
        {
            return new ExportLine(lineNumber, null, new CheckpointRow(number, null, "purpose is not an audit checkpoint"), null);
        }

        var seqElement = root.GetProperty("seq");
        if (seqElement.ValueKind != JsonValueKind.Number || !seqElement.TryGetInt64(out var seq)
            || Text(root, "hash") is not { } hash || Text(root, "time") is not { } time || Text(root, "reason") is not { } reason
            || Text(root, "signer") is not { } signer || Text(root, "signature") is not { } signature)
        {
            return new ExportLine(lineNumber, null, new CheckpointRow(number, null, "a field has the wrong type"), null);
        }

        return new ExportLine(lineNumber, null, AuditRows.Checkpoint(number, seq, hash, time, reason, signer, signature), null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>One line of an export: an entry row, a checkpoint row, or a line that is neither and why.</summary>
internal sealed record ExportLine(long Line, EntryRow? Entry, CheckpointRow? Checkpoint, string? Problem);
