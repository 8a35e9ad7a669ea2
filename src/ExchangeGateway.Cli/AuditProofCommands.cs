using System.CommandLine;
using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>
/// The audit log's Merkle proofs: the checkpoint key, the latest signed tree head, inclusion and consistency proofs from
/// the gateway's database, and their offline check (RFC 9162 §2.1.3–2.1.4) by anyone holding the verifier key.
/// </summary>
public static class AuditProofCommands
{
    /// <summary>The subcommands of <c>exg audit</c> for proofs.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return CheckpointKey(output);
        yield return Checkpoint(output, error);
        yield return Prove(output, error);
        yield return Consistency(output, error);
        yield return AuditProofCheck.Create(output, error);
    }

    private static Command CheckpointKey(TextWriter output)
    {
        var certs = new Option<string>("--certs") { Description = "The certs folder to write audit-checkpoint.key (when it has none) and audit-checkpoint.vkey into.", Required = true };
        var origin = new Option<string>("--origin") { Description = "The log's origin: the first line of every tree head and the key's name.", DefaultValueFactory = _ => CheckpointSigner.DevelopmentOrigin };
        var command = new Command("checkpoint-key", "Make the Ed25519 key that signs the audit log's checkpoints (kept if there is one) and write its verifier key for witnesses.") { certs, origin };
        command.SetAction(parse =>
        {
            CheckpointSigner signer;
            try
            {
                signer = CheckpointSigner.CreateKeyFiles(parse.GetValue(certs)!, parse.GetValue(origin)!);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new UsageException($"--certs/--origin: {ex.Message}");
            }

            output.WriteLine(signer.VerifierKey);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Checkpoint(TextWriter output, TextWriter error)
    {
        var (data, database) = (StoreOptions.Data(), StoreOptions.Database());
        var command = new Command("checkpoint", "Print the newest signed checkpoint (the signed tree head as a C2SP signed note), as witnesses keep it.") { data, database };
        command.SetAction(parse => StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
        {
            var latest = store.Snapshot(tx => AuditLog.LatestCheckpoint(tx.Audit));
            if (latest is null)
            {
                return AuditCommands.Refused(error, "no checkpoint is signed yet");
            }

            output.Write(CheckpointSigner.NoteOf(latest));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Prove(TextWriter output, TextWriter error)
    {
        var (data, database) = (StoreOptions.Data(), StoreOptions.Database());
        var seq = new Option<long>("--seq") { Description = "The entry to prove.", Required = true };
        var checkpointOut = new Option<string?>("--checkpoint-out") { Description = "Also write the checkpoint the proof is against (its signed note) to this file." };
        var entryOut = new Option<string?>("--entry-out") { Description = "Also write the entry (its jsonl export line) to this file." };
        var command = new Command("prove", "Print the inclusion proof of an entry in the newest checkpoint's tree: {\"leafIndex\",\"treeSize\",\"leafHash\",\"hashes\"}.")
        {
            data, database, seq, checkpointOut, entryOut,
        };
        command.SetAction(parse => StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
        {
            var n = parse.GetValue(seq);
            EntryReceipt? receipt;
            try
            {
                receipt = store.Snapshot(tx => AuditLog.Prove(tx.Audit, n));
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new UsageException($"--seq: {n}: {FirstLine(ex.Message)}");
            }

            if (receipt is null)
            {
                return AuditCommands.Refused(error, $"entry {n} is not covered by a checkpoint yet: the gateway signs one within seconds (exg audit checkpoint shows the newest)");
            }

            Write(parse.GetValue(checkpointOut), CheckpointSigner.NoteOf(receipt.Checkpoint));
            Write(parse.GetValue(entryOut), AuditChain.ExportLine(receipt.Entry) + "\n");
            output.WriteLine(receipt.Proof.ToJson());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Consistency(TextWriter output, TextWriter error)
    {
        var (data, database) = (StoreOptions.Data(), StoreOptions.Database());
        var from = new Option<long>("--from") { Description = "The older tree size (a checkpoint's).", Required = true };
        var to = new Option<long>("--to") { Description = "The newer tree size (a checkpoint's).", Required = true };
        var command = new Command("consistency", "Print the consistency proof between two tree sizes: {\"from\",\"to\",\"hashes\"}.") { data, database, from, to };
        command.SetAction(parse => StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
        {
            var (older, newer) = (parse.GetValue(from), parse.GetValue(to));
            try
            {
                output.WriteLine(store.Snapshot(tx => AuditLog.Consistency(tx.Audit, older, newer)).ToJson());
                return ExitCodes.Ok;
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw new UsageException($"--{ex.ParamName}: {FirstLine(ex.Message)}");
            }
        }));
        return command;
    }

    private static void Write(string? path, string text)
    {
        if (path is not null)
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
        }
    }

    // ArgumentOutOfRangeException's message ends with "(Parameter ...)\nActual value was ..."; the first line says why.
    private static string FirstLine(string message) => message.Split('\n')[0].Split(" (Parameter")[0].Trim();
}
