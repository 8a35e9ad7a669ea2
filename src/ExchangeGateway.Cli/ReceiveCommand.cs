using System.Collections.Concurrent;
using System.CommandLine;
using System.Net;
using ExchangeGateway.Crypto;
using ExchangeGateway.Http;

namespace ExchangeGateway.Cli;

/// <summary>exg receive: a stand-in push endpoint for demo agencies (prisons, CJITs) that opens and saves what the gateway pushes.</summary>
public static class ReceiveCommand
{
    /// <summary>The command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var listen = new Option<string>("--listen") { Description = "The loopback http prefix to listen on, e.g. http://127.0.0.1:8480/.", Required = true };
        var certs = new Option<string>("--certs") { Description = "The certs folder holding each agency's key.", Required = true };
        var outDir = new Option<string>("--out", "-o") { Description = "Save each opened document as AGENCY/MESSAGE_ID.json here.", Required = true };
        var seconds = new Option<int>("--for") { Description = "Stop after this many seconds (0: run until stopped).", DefaultValueFactory = _ => 0 };
        var gateway = new Option<string?>("--gateway")
        {
            Description = "The gateway's base URL: each audit checkpoint a push carries is checked against the last one kept (OUT/AGENCY/checkpoints) with a "
                + "consistency proof asked of it as the agency; without it only the first is kept.",
        };
        var command = new Command("receive", "Act as the push endpoints of demo agencies: POST /agencies/AGENCY with a package is opened as AGENCY, saved, and answered 200.") { listen, certs, outDir, seconds, gateway };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var prefix = parse.GetValue(listen)!;
            if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || !uri.IsLoopback)
            {
                throw new UsageException($"--listen {prefix}: a demo receiver listens on plain http on loopback only");
            }

            var folder = parse.GetValue(certs)!;
            var target = parse.GetValue(outDir)!;
            var trust = TrustStore.Load(folder);
            var receivers = new ConcurrentDictionary<string, PushReceiver>(StringComparer.Ordinal);
            var gatewayUrl = parse.GetValue(gateway);
            if (gatewayUrl is not null && (!Uri.TryCreate(gatewayUrl, UriKind.Absolute, out var gatewayUri) || gatewayUri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--gateway {gatewayUrl}: the gateway's https base URL, e.g. https://127.0.0.1:8443/");
            }

            var witnesses = new Dictionary<string, CheckpointWitnessing>(StringComparer.Ordinal);
            var clients = new List<GatewayClient>();
            using var listener = new HttpListener();
            listener.Prefixes.Add(prefix.EndsWith('/') ? prefix : prefix + "/");
            listener.Start();
            output.WriteLine($"receiving on {prefix}");
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(seconds) > 0)
            {
                stop.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(seconds)));
            }

            using var registration = stop.Token.Register(listener.Stop);
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    break;
                }

                if (Handle(context, trust, receivers, folder, target, output, error) is { } received)
                {
                    if (!witnesses.TryGetValue(received.Agency, out var witnessing))
                    {
                        var client = gatewayUrl is null ? null : WitnessClient(gatewayUrl, folder, received.Agency, error);
                        if (client is not null)
                        {
                            clients.Add(client);
                        }

                        witnessing = witnesses[received.Agency] = new CheckpointWitnessing(
                            CheckpointWitnessing.For(folder, Path.Combine(target, received.Agency, "checkpoints"), error), client, output, error);
                    }

                    await witnessing.ObserveAsync(received.Checkpoint, $"{received.Agency}: message {received.MessageId}", stop.Token).ConfigureAwait(false);
                }
            }

            clients.ForEach(client => client.Dispose());
            return witnesses.Values.All(w => w.Consistent) ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    // The agency's client for consistency proofs; null (said once) when its TLS key cannot be used, so that a push
    // already answered is not followed by a crash.
    private static GatewayClient? WitnessClient(string gateway, string certs, string agency, TextWriter error)
    {
        try
        {
            return TransferCommands.Client(gateway, certs, agency);
        }
        catch (Exception ex) when (ex is UsageException or IOException or System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            error.WriteLine($"{agency}: the gateway's audit checkpoints cannot be checked as {agency}: {ex.Message}");
            return null;
        }
    }

    // The agency, message and checkpoint header of a package received and saved; null for anything else.
    private static (string Agency, string MessageId, string? Checkpoint)? Handle(HttpListenerContext context, TrustStore trust, ConcurrentDictionary<string, PushReceiver> receivers, string certs, string target, TextWriter output, TextWriter error)
    {
        using var response = context.Response;
        var segments = context.Request.Url?.AbsolutePath.Trim('/').Split('/') ?? [];
        if (context.Request.HttpMethod != "POST" || segments.Length != 2 || segments[0] != "agencies")
        {
            response.StatusCode = 404;
            return null;
        }

        var agency = segments[1];
        using var body = new MemoryStream();
        context.Request.InputStream.CopyTo(body);
        PushReceiver receiver;
        try
        {
            receiver = receivers.GetOrAdd(agency, a => new PushReceiver(new PackageOpener(RecipientIdentity.Load(certs, a), trust, TimeProvider.System)));
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            error.WriteLine($"{agency}: cannot take messages: {ex.Message}");
            response.StatusCode = 400;
            return null;
        }

        var folder = Path.Combine(target, agency);
        var receipt = receiver.Receive(body.ToArray(), context.Request.Headers["X-Message-Id"], (messageId, opened) =>
        {
            var path = Path.Combine(folder, messageId + ".json");
            var repeat = File.Exists(path);
            DurableFile.Write(path, opened.Content);
            return repeat;
        });
        response.StatusCode = receipt.Status;
        if (receipt.Opened is null)
        {
            error.WriteLine($"{agency}: message {receipt.MessageId}: {receipt.Problem}");
            return null;
        }

        output.WriteLine($"{agency}: {(receipt.Repeat ? "again (de-duplicated)" : "received")} message {receipt.MessageId}, signed by {receipt.Opened.Signer.AgencyId}, saved to {Path.Combine(folder, receipt.MessageId + ".json")}");
        return (agency, receipt.MessageId, context.Request.Headers[GatewayClient.AuditCheckpointHeader]);
    }
}
