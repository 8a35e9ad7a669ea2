using System.CommandLine;
using ExchangeGateway.Crypto;
using ExchangeGateway.Mesh;

namespace ExchangeGateway.Cli;

/// <summary>
/// mesh handshake|inbox|send|track: an administrator's checks of a MESH mailbox by hand. The connection comes from the
/// options or, unset, from the gateway's own environment (Gateway__Mesh__Url, __Mailbox, __Password, __SharedKey,
/// __ClientCertificate, __ServerAuthority), so the password and key need never be typed on a command line.
/// </summary>
public static class MeshCommands
{
    /// <summary>The command group.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var handshake = new Command("handshake", "Say hello to MESH as the mailbox (MESH asks for one a day): checks the address, certificate, password and key.");
        Connect(handshake, async (client, _, token) =>
        {
            await client.HandshakeAsync(token).ConfigureAwait(false);
            output.WriteLine($"MESH answered the handshake of mailbox {client.Mailbox}");
            return ExitCodes.Ok;
        });

        var download = new Option<string?>("--download") { Description = "Also download each message (every chunk) into this folder, as <MESH id>.dat; nothing is acknowledged." };
        var inbox = new Command("inbox", "List the messages waiting in the mailbox's inbox (MESH ids), oldest first.") { download };
        Connect(inbox, async (client, parse, token) =>
        {
            var ids = await client.InboxAsync(token).ConfigureAwait(false);
            var folder = parse.GetValue(download);
            foreach (var id in ids)
            {
                if (folder is null)
                {
                    output.WriteLine(id);
                    continue;
                }

                var message = await client.DownloadAsync(id, MeshClient.DefaultMaxBytes, token).ConfigureAwait(false);
                Directory.CreateDirectory(folder);
                await File.WriteAllBytesAsync(Path.Combine(folder, $"{Path.GetFileName(id)}.dat"), message.Content, token).ConfigureAwait(false);
                output.WriteLine($"{id}  {message.MessageType}  from {message.From}  workflow {message.WorkflowId}  local id {message.LocalId}  {message.Content.Length} bytes");
            }

            output.WriteLine($"{ids.Count} message{(ids.Count == 1 ? "" : "s")} waiting for mailbox {client.Mailbox}");
            return ExitCodes.Ok;
        });

        var to = new Option<string>("--to") { Description = "The recipient's MESH mailbox.", Required = true };
        var workflow = new Option<string>("--workflow") { Description = "The MESH workflow id.", Required = true };
        var file = new Option<string>("--file") { Description = "The file to send.", Required = true };
        var localId = new Option<string?>("--local-id") { Description = "mex-LocalID (default: a new UUID)." };
        var signAs = new Option<string?>("--sign-as") { Description = "Sign the file (CMS SignedData, for the gateway) with this agency's key from --certs, as an agency sends an answer; otherwise it is sent as it is." };
        var certs = new Option<string>("--certs") { Description = "The certs folder holding --sign-as's certificate and key.", DefaultValueFactory = _ => "certs-dev" };
        var chunk = new Option<int>("--chunk-size") { Description = "The largest chunk, in bytes.", DefaultValueFactory = _ => 20 * 1024 * 1024 };
        var send = new Command("send", "Send a file from the mailbox; prints MESH's message id.") { to, workflow, file, localId, signAs, certs, chunk };
        Connect(send, async (client, parse, token) =>
        {
            var path = parse.GetValue(file)!;
            var content = File.Exists(path) ? await File.ReadAllBytesAsync(path, token).ConfigureAwait(false) : throw new UsageException($"--file: {path} does not exist");
            if (parse.GetValue(signAs) is { } agency)
            {
                var folder = parse.GetValue(certs)!;
                var sealer = new PackageSealer(KeyPair.Load(Path.Combine(folder, agency + ".crt"), Path.Combine(folder, agency + ".key")), TrustStore.Load(folder), TimeProvider.System);
                content = sealer.SignOnly(content, PackageOpener.GatewayAgencyId);
            }

            var message = new MeshOutgoing(parse.GetValue(to)!, parse.GetValue(workflow)!, content, parse.GetValue(localId) ?? Guid.NewGuid().ToString(),
                Path.GetFileName(path), "ExchangeGateway by hand", Encrypted: false);
            output.WriteLine(await client.SendAsync(message, Math.Max(1024, parse.GetValue(chunk)), token).ConfigureAwait(false));
            return ExitCodes.Ok;
        });

        var messageId = new Option<string>("--message-id") { Description = "MESH's id of a message this mailbox sent.", Required = true };
        var track = new Command("track", "What MESH says of a message this mailbox sent: accepted, acknowledged or undeliverable.") { messageId };
        Connect(track, async (client, parse, token) =>
        {
            var tracking = await client.TrackAsync(parse.GetValue(messageId)!, token).ConfigureAwait(false);
            output.WriteLine($"{tracking.MessageId}  {tracking.Status}  {tracking.StatusCode}  {tracking.StatusDescription}");
            return ExitCodes.Ok;
        });

        return new Command("mesh", "Check a MESH mailbox by hand: handshake, inbox, send, track.") { handshake, inbox, send, track };

        void Connect(Command command, Func<MeshClient, ParseResult, CancellationToken, Task<int>> act)
        {
            var url = Setting(command, "--url", "Url", "MESH's https address");
            var mailbox = Setting(command, "--mailbox", "Mailbox", "the mailbox id");
            var password = Setting(command, "--password", "Password", "the mailbox's password");
            var key = Setting(command, "--shared-key", "SharedKey", "the environment's shared key");
            var certificate = Setting(command, "--client-certificate", "ClientCertificate", "the mailbox's TLS certificate (PEM, its .key beside it)");
            var authority = Setting(command, "--server-authority", "ServerAuthority", "the authority MESH's certificate must chain to (PEM); unset, the system's");
            command.SetAction(async (parse, token) =>
            {
                MeshConnection connection;
                try
                {
                    connection = MeshConnection.From(Required(parse, url), Required(parse, certificate), Value(parse, authority), TimeSpan.FromSeconds(60));
                }
                catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
                {
                    throw new UsageException(ex is ArgumentException { ParamName: "url" } ? $"--url: {ex.Message.Split(" (Parameter", 2)[0]}" : $"--client-certificate or --server-authority: {ex.Message.Split(" (Parameter", 2)[0]}");
                }

                using var client = new MeshClient(connection, new MeshCredentials(Required(parse, mailbox), Required(parse, password), Required(parse, key)), TimeProvider.System);
                try
                {
                    return await act(client, parse, token).ConfigureAwait(false);
                }
                catch (MeshException ex)
                {
                    error.WriteLine($"error: {ex.Message}");
                    return ExitCodes.InvalidInput;
                }
                catch (HttpRequestException ex)
                {
                    error.WriteLine($"error: MESH at {connection.BaseAddress} could not be reached ({ex.HttpRequestError})");
                    return ExitCodes.InvalidInput;
                }
            });
        }
    }

    private static Option<string?> Setting(Command command, string name, string variable, string what)
    {
        // The environment is read when the command runs, not as a default: help shows defaults, and these include the password.
        var option = new Option<string?>(name) { Description = $"{char.ToUpperInvariant(what[0])}{what[1..]} (unset: $Gateway__Mesh__{variable})." };
        command.Options.Add(option);
        return option;
    }

    private static string? Value(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) ?? Environment.GetEnvironmentVariable($"Gateway__Mesh__{Variable(option.Name)}");

    private static string Required(ParseResult parse, Option<string?> option) =>
        Value(parse, option) is { Length: > 0 } value
            ? value
            : throw new UsageException($"{option.Name} is required (or set $Gateway__Mesh__{Variable(option.Name)})");

    // "--shared-key" is Gateway__Mesh__SharedKey.
    private static string Variable(string optionName) => string.Concat(optionName.TrimStart('-').Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
