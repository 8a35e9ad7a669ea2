using System.CommandLine;
using ExchangeGateway.Audit;

namespace ExchangeGateway.Cli;

/// <summary>
/// <c>exg audit check-proof</c>: checks an inclusion proof against a signed checkpoint (and, given one, that the entry is
/// the proved leaf), or a consistency proof between two signed checkpoints, offline with the certs folder's verifier key.
/// </summary>
internal static class AuditProofCheck
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var proof = new Option<string>("--proof") { Description = "The proof: an inclusion proof (exg audit prove) or a consistency proof (exg audit consistency).", Required = true };
        var checkpoint = new Option<string[]>("--checkpoint")
        {
            Description = "The signed checkpoint the inclusion proof is against; for a consistency proof give both (--checkpoint OLD --checkpoint NEW).",
            Required = true,
        };
        var entry = new Option<string?>("--entry") { Description = "The entry the inclusion proof is for: its jsonl export line (exg audit prove --entry-out)." };
        var certs = new Option<string>("--certs") { Description = $"The certs folder with the checkpoint verifier key ({CheckpointSigner.VerifierKeyFile}).", Required = true };
        var command = new Command("check-proof", "Verify an inclusion or consistency proof offline (RFC 9162 §2.1.3–2.1.4) against signed checkpoints.") { proof, checkpoint, entry, certs };
        command.SetAction(parse =>
        {
            var keys = AuditCommands.LoadCheckpointKeys(parse.GetValue(certs)!);
            var proofText = Read(parse.GetValue(proof)!, "--proof");
            var isConsistency = IsConsistencyProof(proofText);
            var heads = new List<TreeHead>();
            foreach (var file in parse.GetValue(checkpoint)!)
            {
                // A checkpoint that is not the gateway's is the very thing this checks: "not verified", not a usage error.
                var (head, refusal) = keys.Open(Read(file, "--checkpoint"));
                if (head is null)
                {
                    return AuditCommands.Refused(error, $"{file} is not a checkpoint signed by the gateway's checkpoint key: {refusal}");
                }

                heads.Add(head);
            }

            try
            {
                return isConsistency
                    ? CheckConsistency(ConsistencyProof.Parse(proofText), heads, output, error)
                    : CheckInclusion(InclusionProof.Parse(proofText), heads, parse.GetValue(entry), output, error);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--proof: {ex.Message}");
            }
        });
        return command;
    }

    private static int CheckInclusion(InclusionProof proof, List<TreeHead> heads, string? entryFile, TextWriter output, TextWriter error)
    {
        if (heads.Count != 1)
        {
            throw new UsageException("--checkpoint: an inclusion proof is checked against one checkpoint");
        }

        var head = heads[0];
        if (entryFile is not null)
        {
            var (seq, leaf) = EntryLeaf(Read(entryFile, "--entry"));
            if (seq != proof.LeafIndex + 1 || !leaf.AsSpan().SequenceEqual(proof.LeafHash))
            {
                return AuditCommands.Refused(error, $"the entry (seq {seq}) is not the proved leaf (index {proof.LeafIndex}, entry {proof.LeafIndex + 1}): its leaf hash differs or it is another entry");
            }
        }

        if (proof.TreeSize != head.Size)
        {
            return AuditCommands.Refused(error, $"the proof is for a tree of {proof.TreeSize} entries but the checkpoint signs {head.Size}");
        }

        if (!proof.ProvesIn(head))
        {
            return AuditCommands.Refused(error, $"the proof does not put leaf {proof.LeafIndex} in the checkpoint's tree (root {Convert.ToBase64String(head.RootHash)}): it is false, or for another log");
        }

        output.WriteLine($"verified: entry {proof.LeafIndex + 1} is in {head.Origin}'s tree of {head.Size} entries{(entryFile is null ? " (leaf hash only: give --entry to check the entry itself)" : "")}");
        return ExitCodes.Ok;
    }

    private static int CheckConsistency(ConsistencyProof proof, List<TreeHead> heads, TextWriter output, TextWriter error)
    {
        if (heads.Count != 2)
        {
            throw new UsageException("--checkpoint: a consistency proof is checked against two checkpoints (--checkpoint OLD --checkpoint NEW)");
        }

        var (older, newer) = heads[0].Size <= heads[1].Size ? (heads[0], heads[1]) : (heads[1], heads[0]);
        if (proof.From != older.Size || proof.To != newer.Size)
        {
            return AuditCommands.Refused(error, $"the proof is from {proof.From} to {proof.To} entries but the checkpoints sign {older.Size} and {newer.Size}");
        }

        if (!proof.Proves(older, newer))
        {
            return AuditCommands.Refused(error, $"the checkpoints are not consistent: the tree of {newer.Size} entries does not extend the tree of {older.Size} (the log was rewritten or forked), or the proof is false");
        }

        output.WriteLine($"verified: {newer.Origin}'s tree of {newer.Size} entries extends its tree of {older.Size}");
        return ExitCodes.Ok;
    }

    // A consistency proof has "from"; an inclusion proof "leafIndex". Anything else is refused by the inclusion parser, naming the field.
    private static bool IsConsistencyProof(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && document.RootElement.TryGetProperty("from", out _);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new UsageException($"--proof: not JSON: {ex.Message}");
        }
    }

    private static (long Seq, byte[] Leaf) EntryLeaf(string line)
    {
        try
        {
            return AuditTree.LeafOfExportLine(line);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--entry: {ex.Message}");
        }
    }

    private static string Read(string path, string option)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: {path}: {ex.Message}");
        }
    }
}
