using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Selection;

namespace ExchangeGateway.Cli;

/// <summary>audit verify, query and export: the administrator's view of the gateway's audit trail.</summary>
public static class AuditCommands
{
    private const int MaxProblemsShown = 20;

    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        var audit = new Command("audit", "The gateway's tamper-evident audit trail: verify it, find a person's entries, export it, prove entries and checkpoints.")
        {
            Verify(output, error),
            Query(output, error),
            AuditExportCommand.Create(output, error),
        };
        foreach (var proofs in AuditProofCommands.Create(output, error))
        {
            audit.Subcommands.Add(proofs);
        }

        yield return audit;
    }

    internal static Option<string?> DataOption(bool required, string? description = null) =>
        new("--data") { Description = description ?? $"The gateway's data folder, holding its SQLite database ({DatabaseLocation.SqliteFileName}) unless --database names another.", Required = required };


    internal static Option<bool> AllowUnsignedTailOption(string description) => new("--allow-unsigned-tail") { Description = description };

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var data = DataOption(required: false);
        var database = StoreOptions.Database();
        var file = new Option<string?>("--file") { Description = "A jsonl export ('exg audit export') to verify instead of the database." };
        var certs = new Option<string>("--certs") { Description = $"The certs folder: its checkpoint verifier key ({CheckpointSigner.VerifierKeyFile}).", Required = true };
        var witness = new Option<string?>("--witness") { Description = $"A folder of checkpoints an agency kept (*{WitnessCheckpoint.FileExtension}, as exg pull and exg receive keep them): the trail must agree with every one." };
        var allowUnsignedTail = AllowUnsignedTailOption(
            "Warn, instead of failing, about entries no signed checkpoint covers (a live gateway between checkpoints, or an export made without the checkpoint key).");
        var command = new Command(
            "verify",
            "Recompute the hash chain, check the signed checkpoints and name the first bad entry. Fails unless a valid checkpoint signs the head "
            + "(an export: unless it ends with the checkpoint signed when it was written); a database's trail must also hold an entry for every outbox row.")
        {
            data, database, file, certs, witness, allowUnsignedTail,
        };
        command.SetAction(parse =>
        {
            var dataFolder = parse.GetValue(data);
            var databaseSetting = parse.GetValue(database);
            var exportFile = parse.GetValue(file);
            if (new[] { dataFolder, databaseSetting, exportFile }.Count(given => given is not null) != 1)
            {
                throw new UsageException("give exactly one of --data DIR, --database CONNECTION or --file EXPORT");
            }

            var keys = LoadCheckpointKeys(parse.GetValue(certs)!);
            var verifier = new AuditVerifier(keys);
            var witnesses = parse.GetValue(witness) is { } witnessFolder ? LoadWitnesses(witnessFolder, keys) : null;
            var unsignedTail = parse.GetValue(allowUnsignedTail);
            if (exportFile is not null)
            {
                if (!File.Exists(exportFile))
                {
                    throw new UsageException($"{exportFile}: no such file");
                }

                using var reader = new StreamReader(exportFile, Encoding.UTF8);
                return Report(verifier.VerifyExport(reader, unsignedTail, witnesses), exportFile, output, error);
            }

            // One snapshot: the trail, its person index and the outbox it is checked against come from one moment.
            return StoreOptions.WithStore(databaseSetting, dataFolder, error, store =>
                Report(store.Snapshot(tx => verifier.Verify(tx, unsignedTail, witnesses)), store.Description, output, error));
        });
        return command;
    }

    private static int Report(AuditVerification result, string what, TextWriter output, TextWriter error)
    {
        foreach (var warning in result.Warnings)
        {
            error.WriteLine($"warning: {warning}");
        }

        if (!result.IsValid)
        {
            error.WriteLine($"error: {what}: the audit trail was tampered with or is not covered by a signature; first bad entry: seq {result.FirstBadSeq}: {result.FirstProblem!.Reason}");
            foreach (var problem in result.Problems.Skip(1).Take(MaxProblemsShown))
            {
                error.WriteLine($"error: seq {problem.Seq}: {problem.Reason}");
            }

            if (result.Problems.Count > MaxProblemsShown + 1)
            {
                error.WriteLine($"error: ... and {result.Problems.Count - MaxProblemsShown - 1} more");
            }

            return ExitCodes.InvalidInput;
        }

        var last = result.LastCheckpoint;
        var signed = last is null ? "no signed checkpoint" : $"last checkpoint #{last.Number} at seq {last.Seq} ({AuditChain.ReasonName(last.Reason)}, {AuditChain.FormatTime(last.Time)})";
        var head = result.Head is { } h ? $"head seq {h.Seq} hash {h.Hash}" : "empty";
        output.WriteLine($"{what}: verified: {result.EntryCount} entries, {head}; {result.ValidCheckpoints.Count} checkpoints, {signed}");
        return ExitCodes.Ok;
    }

    private static Command Query(TextWriter output, TextWriter error)
    {
        var data = DataOption(
            required: true,
            $"The gateway's data folder: its audit key ({PersonKeys.FileName}) and, unless --database is given, its SQLite database ({DatabaseLocation.SqliteFileName}). "
            + "With --database it is needed for the key alone.");
        var database = StoreOptions.Database();
        var subject = new Option<string>("--subject") { Description = "An NHS number (ten digits) or a prison number; only its keyed hash is looked up.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only entries at or after this time (ISO 8601 with offset, or a date: from its start, UTC)." };
        var to = new Option<string?>("--to") { Description = "Only entries at or before this time (ISO 8601 with offset, or a date: to its end, UTC)." };
        var json = new Option<bool>("--json") { Description = "Write a JSON array of entries (as in the jsonl export) instead of lines." };
        var command = new Command("query", "List the entries about one person, found by the person key made with the data folder's secret.") { data, database, subject, from, to, json };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(data)!;
            var start = ParseTime(parse.GetValue(from), "--from", endOfDay: false);
            var end = ParseTime(parse.GetValue(to), "--to", endOfDay: true);
            PersonKeys keys;
            try
            {
                keys = PersonKeys.Load(folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read the audit key: {ex.Message}");
            }

            string key;
            try
            {
                key = keys.ForIdentifier(parse.GetValue(subject)!);
            }
            catch (ArgumentException ex)
            {
                throw new UsageException($"--subject: {ex.Message.Split(" (Parameter", 2)[0]}");
            }

            return StoreOptions.WithStore(parse.GetValue(database), folder, error, store =>
            {
                IReadOnlyList<AuditEntry>? entries;
                try
                {
                    // One snapshot: the person index and the entries it points at agree.
                    entries = store.Snapshot(tx => AuditLog.HasSchema(tx.Audit) ? AuditLog.EntriesFor(tx.Audit, key, start, end) : null);
                }
                catch (InvalidDataException ex)
                {
                    return Refused(error, $"{ex.Message}; run 'exg audit verify'");
                }

                return entries is null
                    ? Refused(error, $"{store.Description}: no audit trail in this database")
                    : WriteEntries(entries, key, parse.GetValue(json), output, error);
            });
        });
        return command;
    }

    private static int WriteEntries(IReadOnlyList<AuditEntry> entries, string key, bool json, TextWriter output, TextWriter error)
    {
        if (json)
        {
            output.WriteLine("[" + string.Join(",\n", entries.Select(AuditChain.ExportLine)) + "]");
            return ExitCodes.Ok;
        }

        foreach (var entry in entries)
        {
            var details = string.Join(" ", entry.Details.Select(d => $"{d.Key}={d.Value}"));
            output.WriteLine($"{entry.Seq}\t{AuditChain.FormatTime(entry.Time)}\t{entry.Type}\t{entry.Actor}\t{details}");
        }

        error.WriteLine($"{entries.Count} entries for {key}");
        return ExitCodes.Ok;
    }

    private static DateTimeOffset? ParseTime(string? text, string option, bool endOfDay)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }

        // A time without an offset would be guessed at; the rest of the product never guesses times.
        var hasOffset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        throw new UsageException($"{option}: '{text}' is not a date (yyyy-MM-dd) or an ISO 8601 time with an offset");
    }

    /// <summary>The checkpoint verifier keys of a certs folder; a usage error naming the folder when it has none or one is malformed.</summary>
    internal static CheckpointKeys LoadCheckpointKeys(string folder)
    {
        CheckpointKeys keys;
        try
        {
            keys = CheckpointKeys.Load(folder);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the certs folder {folder}: {ex.Message}");
        }

        return keys.Count > 0 ? keys : throw new UsageException($"--certs: {folder} holds no checkpoint verifier key ({CheckpointSigner.VerifierKeyFile})");
    }

    private static IReadOnlyList<WitnessCheckpoint> LoadWitnesses(string folder, CheckpointKeys keys)
    {
        try
        {
            return WitnessCheckpoint.LoadFolder(folder, keys);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--witness: {ex.Message}");
        }
    }

    internal static int Refused(TextWriter error, string reason)
    {
        error.WriteLine($"error: {reason}");
        return ExitCodes.InvalidInput;
    }
}
