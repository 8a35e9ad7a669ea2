using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>audit export: the trail as verifiable jsonl ending with a checkpoint signed at export time, or as FHIR AuditEvents.</summary>
internal static class AuditExportCommand
{
    /// <summary>The export command, writing to the given writers.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var data = AuditCommands.DataOption(required: false);
        var database = StoreOptions.Database();
        var outFile = new Option<string>("--out", "-o") { Description = "The file to write.", Required = true };
        var format = new Option<string>("--format")
        {
            Description = "jsonl: entries and signed checkpoints, verifiable offline with 'exg audit verify --file'; fhir: an R4 Bundle of AuditEvents.",
            DefaultValueFactory = _ => "jsonl",
        };
        format.AcceptOnlyFromAmong("jsonl", "fhir");
        var certs = new Option<string?>("--certs")
        {
            Description = "The certs folder with the audit checkpoint key (audit-checkpoint.key, audit-checkpoint.vkey): a jsonl export ends with a checkpoint signed with it at export time.",
        };
        var allowUnsignedTail = AuditCommands.AllowUnsignedTailOption("Export jsonl without the checkpoint key: no export checkpoint, so 'verify --file' then needs --allow-unsigned-tail too.");
        var command = new Command("export", "Export the audit trail as jsonl (verifiable, ending with a checkpoint signed at export time) or as FHIR R4 AuditEvents.")
        {
            data, database, outFile, format, certs, allowUnsignedTail,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(data);
            var databaseSetting = parse.GetValue(database);
            if ((folder is null) == (databaseSetting is null))
            {
                throw new UsageException("give exactly one of --data DIR or --database CONNECTION");
            }

            var path = Path.GetFullPath(parse.GetValue(outFile)!);
            var jsonl = parse.GetValue(format) != "fhir";
            var signer = jsonl ? ExportSigner(parse.GetValue(certs), parse.GetValue(allowUnsignedTail), error) : null;
            return StoreOptions.WithStore(databaseSetting, folder, error, store => Export(store, path, jsonl, signer, output, error));
        });
        return command;
    }

    private static int Export(IGatewayStore store, string path, bool jsonl, CheckpointSigner? signer, TextWriter output, TextWriter error)
    {
        if (!store.Snapshot(tx => AuditLog.HasSchema(tx.Audit)))
        {
            return AuditCommands.Refused(error, $"{store.Description}: no audit trail in this database");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write beside, then move: a crash never leaves a half-written export that looks like a cut trail.
        var temporary = path + ".tmp";
        long count;
        try
        {
            using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
            {
                // One snapshot: the entries and checkpoints come from one moment even while the gateway appends.
                var now = TimeProvider.System.GetUtcNow();
                count = store.Snapshot(tx => jsonl ? AuditJsonl.Write(tx.Audit, writer, signer, now) : AuditFhirExport.Write(tx.Audit, writer, now));
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or StorageUnavailableException)
        {
            File.Delete(temporary);
            return AuditCommands.Refused(error, ex is InvalidDataException ? $"{ex.Message}; run 'exg audit verify'" : ex.Message.ReplaceLineEndings(" "));
        }

        output.WriteLine($"exported {count} entries to {path}");
        return ExitCodes.Ok;
    }

    /// <summary>The checkpoint key that signs the export checkpoint; null (with a warning) only when an unsigned tail is allowed.</summary>
    private static CheckpointSigner? ExportSigner(string? certs, bool allowUnsignedTail, TextWriter error)
    {
        const string Without = "the export ends without a checkpoint signed at export time; verify it with --allow-unsigned-tail";
        if (certs is null)
        {
            if (!allowUnsignedTail)
            {
                throw new UsageException("--certs DIR is needed: a jsonl export ends with a checkpoint signed with the audit checkpoint key (audit-checkpoint.key); --allow-unsigned-tail exports without one");
            }

            error.WriteLine($"warning: no --certs: {Without}");
            return null;
        }

        try
        {
            return CheckpointSigner.Load(certs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException or InvalidOperationException or FormatException)
        {
            if (!allowUnsignedTail)
            {
                throw new UsageException($"cannot load the audit checkpoint key from {certs} to sign the export checkpoint: {ex.Message} (--allow-unsigned-tail exports without one)");
            }

            error.WriteLine($"warning: cannot load the audit checkpoint key from {certs}: {Without}");
            return null;
        }
    }
}
