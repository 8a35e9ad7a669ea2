using System.CommandLine;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>send, pull and track: moving submissions through a running gateway.</summary>
public static class TransferCommands
{
    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Send(output, error);
        yield return Pull(output, error);
        yield return Track(output, error);
        yield return RespondCommand.Create(output, error);
        yield return OutboxCommands.Create(output, error);
    }

    internal static Option<string> GatewayOption() => new("--gateway") { Description = "The gateway's base URL, e.g. https://127.0.0.1:8443/.", Required = true };

    internal static Option<string> AsOption(string what) => new("--as") { Description = what, Required = true };

    internal static Option<string> CertsOption() => new("--certs") { Description = "The certs folder: ca.crt, CRLs and this agency's AGENCY.crt / AGENCY.key.", Required = true };

    private static Command Send(TextWriter output, TextWriter error)
    {
        var file = new Argument<string?>("SUBMISSION") { Description = "A submission JSON file.", Arity = ArgumentArity.ZeroOrOne };
        var folder = new Option<string?>("--dir") { Description = "Send every *.json submission in this folder instead, showing progress; files whose event.from is not --as are not sent." };
        var gateway = GatewayOption();
        var asAgency = AsOption("The sending agency; it must be the submission's event.from.");
        var certs = CertsOption();
        var concurrency = new Option<int>("--concurrency") { Description = "With --dir: requests in flight at once (1 to 64).", DefaultValueFactory = _ => 8 };
        var stateFile = new Option<string?>("--state") { Description = "With --dir: the state file that makes a second run skip what was answered (default DIR/.exg-send-state)." };
        var command = new Command(
            "send",
            "Submit a submission (or a folder of them) to the gateway as an agency, over mutual TLS. With --dir: every *.json in name order, "
            + "N at a time, resumable (a second run skips what was accepted or refused), with a summary; exit 0 only when every file is accepted.")
        { file, folder, gateway, asAgency, certs, concurrency, stateFile };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var single = parse.GetValue(file);
            var many = parse.GetValue(folder);
            if ((single is null) == (many is null))
            {
                throw new UsageException("give either SUBMISSION or --dir DIR");
            }

            using var client = Client(parse.GetValue(gateway)!, parse.GetValue(certs)!, parse.GetValue(asAgency)!);
            if (single is not null)
            {
                var response = await Call(() => client.SubmitAsync(InputFiles.Read(single, 2 * 1024 * 1024), cancellationToken)).ConfigureAwait(false);
                return Report(response, output, error, single);
            }

            if (!Directory.Exists(many))
            {
                throw new UsageException($"{many} is not a folder");
            }

            if (parse.GetValue(concurrency) is < 1 or > 64)
            {
                throw new UsageException("--concurrency must be 1 to 64");
            }

            var files = Directory.GetFiles(many!, "*.json").Order(StringComparer.Ordinal).ToList();
            using var state = SendStateFile.Open(parse.GetValue(stateFile) ?? Path.Combine(many!, ".exg-send-state"));
            var terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
            var progress = new SendProgress(error, files.Count, terminal);
            var results = await new FolderSend(client, parse.GetValue(asAgency)!, parse.GetValue(concurrency), state, progress).RunAsync(files, cancellationToken).ConfigureAwait(false);
            return FolderSendReport.Write(results, progress.Elapsed, progress.Sent, output) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    private static Command Pull(TextWriter output, TextWriter error)
    {
        var gateway = GatewayOption();
        var asAgency = AsOption("The agency whose mailbox to empty (a GP practice, or a provider that pulls).");
        var certs = CertsOption();
        var outDir = new Option<string>("--out", "-o") { Description = "Write each opened document here as MESSAGE_ID.json.", Required = true };
        var command = new Command(
            "pull",
            "Fetch every message in this agency's mailbox, open and verify it, save the document, then acknowledge it. The gateway's audit checkpoints "
            + "are kept in OUT/checkpoints after a consistency check with the last one kept; exit 1 when one contradicts it.")
        { gateway, asAgency, certs, outDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var agency = parse.GetValue(asAgency)!;
            var certsFolder = parse.GetValue(certs)!;
            var target = parse.GetValue(outDir)!;
            Directory.CreateDirectory(target);
            var opener = new PackageOpener(LoadIdentity(certsFolder, agency), TrustStore.Load(certsFolder), TimeProvider.System);
            using var client = Client(parse.GetValue(gateway)!, certsFolder, agency);
            var pulled = await Call(() => new MailboxPull(client, opener).RunAsync(
                (entry, opened) =>
                {
                    var path = Path.Combine(target, entry.MessageId + ".json");
                    DurableFile.Write(path, opened.Content);
                    return path;
                },
                cancellationToken)).ConfigureAwait(false);
            if (pulled.ListingRefusal is { } refused)
            {
                return Report(refused, output, error, "mailbox");
            }

            var messages = pulled.Messages;
            var witnessing = new CheckpointWitnessing(CheckpointWitnessing.For(certsFolder, Path.Combine(target, "checkpoints"), error), client, output, error);
            foreach (var message in messages)
            {
                if (message.Opened is not null)
                {
                    await witnessing.ObserveAsync(message.AuditCheckpoint, $"message {message.Entry.MessageId}", cancellationToken).ConfigureAwait(false);
                }
            }

            var failures = witnessing.Consistent ? 0 : 1;
            foreach (var message in messages)
            {
                var id = message.Entry.MessageId;
                if (!message.Succeeded)
                {
                    failures++;
                    if (message.GatewayRefusal is { } gatewayRefusal)
                    {
                        Report(gatewayRefusal, output, error, id);
                    }
                    else
                    {
                        error.WriteLine($"error: {id}: {message.Refusal}");
                    }

                    continue;
                }

                output.WriteLine($"{id}: {message.Entry.EventType} from submission {message.Entry.SubmissionId}, signed by {message.Opened!.Signer.AgencyId}, saved to {message.SavedAs}, acknowledged");
            }

            output.WriteLine($"{messages.Count(m => m.Succeeded)} of {messages.Count} message(s) pulled");
            return failures == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    private static Command Track(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("SUBMISSION_ID") { Description = "The submissionId to look up." };
        var gateway = GatewayOption();
        var asAgency = AsOption("The agency that sent it (only the sender may track a submission).");
        var certs = CertsOption();
        var json = new Option<bool>("--json") { Description = "Print the gateway's JSON answer." };
        var command = new Command("track", "Show where each recipient's copy of a submission is: queued, delivered, acknowledged, accepted, rejected, withheld, dead-letter, undeliverable.") { id, gateway, asAgency, certs, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = Client(parse.GetValue(gateway)!, parse.GetValue(certs)!, parse.GetValue(asAgency)!);
            var response = await Call(() => client.TrackAsync(parse.GetValue(id)!, cancellationToken)).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return Report(response, output, error, parse.GetValue(id)!);
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(response.Text);
                return ExitCodes.Ok;
            }

            var tracking = JsonNode.Parse(response.Text)!;
            output.WriteLine($"submission {tracking["submissionId"]} ({tracking["eventType"]})");
            foreach (var line in tracking["recipients"]!.AsArray())
            {
                var detail = line?["lastError"] ?? line?["reason"];
                output.WriteLine($"  {line?["recipient"],-14} {line?["recipientType"],-20} {line?["status"],-13} {line?["messageId"]}{(detail is null ? "" : "  (" + detail + ")")}");
                if (line?["response"] is { } answer)
                {
                    output.WriteLine($"    {RespondCommand.Describe(answer)}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static GatewayClient Client(string gateway, string certs, string agency)
    {
        if (!Uri.TryCreate(gateway.EndsWith('/') ? gateway : gateway + "/", UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new UsageException($"--gateway {gateway}: expected an https:// URL");
        }

        try
        {
            return new GatewayClient(uri, TlsIdentity.Load(certs, agency, TimeProvider.System));
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or ArgumentException)
        {
            throw new UsageException($"cannot load the certificate and key of {agency} from {certs}: {ex.Message}");
        }
    }

    private static RecipientIdentity LoadIdentity(string certs, string agency)
    {
        try
        {
            return RecipientIdentity.Load(certs, agency);
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or FormatException or ArgumentException)
        {
            throw new UsageException($"cannot load the keys of {agency}: {ex.Message}");
        }
    }

    internal static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new GatewayUnreachableException($"cannot reach the gateway: {ex.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new GatewayUnreachableException("the gateway did not answer in time");
        }
    }

    internal static int Report(GatewayResponse response, TextWriter output, TextWriter error, string what)
    {
        if (response.IsSuccess)
        {
            var answer = JsonNode.Parse(response.Text)!;
            output.WriteLine($"{what}: accepted as submission {answer["submissionId"]}");
            foreach (var message in answer["messages"]?.AsArray() ?? [])
            {
                output.WriteLine($"  {message?["recipient"],-14} {message?["status"],-9} {message?["messageId"]}{(message?["reason"] is { } reason ? "  (" + reason + ")" : "")}");
            }

            return ExitCodes.Ok;
        }

        error.WriteLine($"error: {what}: HTTP {(int)response.Status}");
        try
        {
            var problem = JsonNode.Parse(response.Text);
            error.WriteLine($"error: {problem?["title"]}");
            foreach (var item in problem?["errors"]?.AsArray() ?? [])
            {
                error.WriteLine($"error: {item?["path"]}: {item?["reason"]}");
            }
        }
        catch (JsonException)
        {
            error.WriteLine($"error: {response.Text}");
        }

        return ExitCodes.InvalidInput;
    }
}

/// <summary>The gateway could not be reached; exg reports it and exits 1.</summary>
public sealed class GatewayUnreachableException(string message) : Exception(message);
