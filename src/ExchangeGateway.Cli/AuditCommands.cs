using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Cli;

/// <summary>audit verify, query and export: the administrator's view of the gateway's audit trail.</summary>
public static class AuditCommands
{
    private const int MaxProblemsShown = 20;

    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return new Command("audit", "The gateway's tamper-evident audit trail: verify it, find a person's entries, export it.")
        {
            Verify(output, error),
            Query(output, error),
            AuditExportCommand.Create(output, error),
        };
    }

    internal static Option<string?> DataOption(bool required) =>
        new("--data") { Description = $"The gateway's data folder ({AuditDatabase.FileName}, {PersonKeys.FileName}).", Required = required };

    internal static Option<bool> AllowUnsignedTailOption(string description) => new("--allow-unsigned-tail") { Description = description };

    private static Command Verify(TextWriter output, TextWriter error)
    {
        var data = DataOption(required: false);
        var file = new Option<string?>("--file") { Description = "A jsonl export ('exg audit export') to verify instead of the database." };
        var certs = new Option<string>("--certs") { Description = "The certs folder: gateway.crt (the checkpoint signer), ca.crt and ca.crl.", Required = true };
        var allowUnsignedTail = AllowUnsignedTailOption(
            "Warn, instead of failing, about entries no signed checkpoint covers (a live gateway between checkpoints, or an export made without the gateway key).");
        var command = new Command(
            "verify",
            "Recompute the hash chain, check the signed checkpoints and name the first bad entry. Fails unless a valid checkpoint signs the head "
            + "(an export: unless it ends with the checkpoint signed when it was written); a data folder's trail must also hold an entry for every outbox row.")
        {
            data, file, certs, allowUnsignedTail,
        };
        command.SetAction(parse =>
        {
            var dataFolder = parse.GetValue(data);
            var exportFile = parse.GetValue(file);
            if ((dataFolder is null) == (exportFile is null))
            {
                throw new UsageException("give exactly one of --data DIR or --file EXPORT");
            }

            var verifier = new AuditVerifier(LoadTrust(parse.GetValue(certs)!), TimeProvider.System);
            AuditVerification result;
            string what;
            if (exportFile is not null)
            {
                if (!File.Exists(exportFile))
                {
                    throw new UsageException($"{exportFile}: no such file");
                }

                using var reader = new StreamReader(exportFile, Encoding.UTF8);
                result = verifier.VerifyExport(reader, parse.GetValue(allowUnsignedTail));
                what = exportFile;
            }
            else
            {
                using var connection = OpenDatabase(dataFolder!);
                result = verifier.Verify(connection, parse.GetValue(allowUnsignedTail));
                what = AuditDatabase.PathIn(dataFolder!);
            }

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
        });
        return command;
    }

    private static Command Query(TextWriter output, TextWriter error)
    {
        var data = DataOption(required: true);
        var subject = new Option<string>("--subject") { Description = "An NHS number (ten digits) or a prison number; only its keyed hash is looked up.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only entries at or after this time (ISO 8601 with offset, or a date: from its start, UTC)." };
        var to = new Option<string?>("--to") { Description = "Only entries at or before this time (ISO 8601 with offset, or a date: to its end, UTC)." };
        var json = new Option<bool>("--json") { Description = "Write a JSON array of entries (as in the jsonl export) instead of lines." };
        var command = new Command("query", "List the entries about one person, found by the person key made with the data folder's secret.") { data, subject, from, to, json };
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

            using var connection = OpenDatabase(folder);
            if (!AuditLog.HasSchema(connection))
            {
                return Refused(error, $"{AuditDatabase.PathIn(folder)}: no audit trail in this database");
            }

            IReadOnlyList<AuditEntry> entries;
            try
            {
                entries = AuditLog.EntriesFor(connection, key, start, end);
            }
            catch (InvalidDataException ex)
            {
                return Refused(error, $"{ex.Message}; run 'exg audit verify'");
            }

            if (parse.GetValue(json))
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
        });
        return command;
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

    internal static SqliteConnection OpenDatabase(string dataFolder)
    {
        var path = AuditDatabase.PathIn(dataFolder);
        try
        {
            return AuditDatabase.Open(path, create: false);
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"{path}: no such file");
        }
        catch (SqliteException ex)
        {
            throw new UsageException($"{path}: cannot open the database: {ex.Message}");
        }
    }

    private static TrustStore LoadTrust(string folder)
    {
        try
        {
            return TrustStore.Load(folder);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ArgumentException or CryptographicException or Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.Certificates.CrlException)
        {
            throw new UsageException($"cannot read the certs folder {folder}: {ex.Message}");
        }
    }

    internal static int Refused(TextWriter error, string reason)
    {
        error.WriteLine($"error: {reason}");
        return ExitCodes.InvalidInput;
    }
}
