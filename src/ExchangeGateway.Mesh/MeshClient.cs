using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExchangeGateway.Mesh;

/// <summary>
/// A client of one MESH mailbox (API v2): handshake, send (in chunks), inbox, download (every chunk), acknowledge,
/// tracking and endpoint lookup. Every request carries a fresh <c>NHSMESH</c> authorization over mutual TLS.
/// </summary>
public sealed class MeshClient : IDisposable
{
    /// <summary>The media type a MESH v2 client accepts.</summary>
    public const string AcceptType = "application/vnd.mesh.v2+json";

    /// <summary>The largest message downloaded unless a caller says otherwise (MESH's own limit for a message is 100 MB unchunked).</summary>
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    private readonly HttpClient http;
    private readonly MeshCredentials credentials;
    private readonly TimeProvider time;

    /// <summary>A client of <paramref name="credentials"/>' mailbox at <paramref name="connection"/>'s address.</summary>
    public MeshClient(MeshConnection connection, MeshCredentials credentials, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(connection);
        this.credentials = credentials;
        this.time = time;
        http = new HttpClient(connection.Handler(), disposeHandler: true) { BaseAddress = connection.BaseAddress, Timeout = connection.Timeout };
    }

    /// <summary>The mailbox this client acts for.</summary>
    public string Mailbox => credentials.Mailbox;

    /// <summary>The handshake MESH asks of a mailbox at least once a day; throws <see cref="MeshException"/> when refused.</summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Post, "");
        request.Headers.Add("mex-ClientVersion", "ExchangeGateway");
        request.Headers.Add("mex-OSName", "Linux");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a file, in chunks of at most <paramref name="chunkSize"/> bytes; returns MESH's message id.</summary>
    public async Task<string> SendAsync(MeshOutgoing message, int chunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var chunks = Math.Max(1, (message.Content.Length + chunkSize - 1) / chunkSize);
        string messageId;
        using (var first = Request(HttpMethod.Post, "/outbox", Chunk(message.Content, 0, chunkSize)))
        {
            first.Headers.Add("mex-To", message.To);
            first.Headers.Add("mex-WorkflowID", message.WorkflowId);
            first.Headers.Add("mex-LocalID", message.LocalId);
            first.Headers.Add("mex-Subject", message.Subject);
            first.Headers.Add("mex-FileName", message.FileName);
            first.Headers.Add("mex-Content-Encrypted", message.Encrypted ? "Y" : "N");
            first.Headers.Add("mex-Content-Compressed", "N");
            first.Headers.Add("mex-Content-Checksum", Checksum(message.Content));
            first.Headers.Add("mex-Chunk-Range", $"1:{chunks}");
            using var response = await SendAsync(first, cancellationToken).ConfigureAwait(false);
            messageId = (await JsonAsync(response, cancellationToken).ConfigureAwait(false))?["message_id"]?.GetValue<string>()
                ?? throw new MeshException("MESH accepted the message but gave no message_id");
        }

        for (var chunk = 2; chunk <= chunks; chunk++)
        {
            using var next = Request(HttpMethod.Post, $"/outbox/{Uri.EscapeDataString(messageId)}/{chunk}", Chunk(message.Content, chunk - 1, chunkSize));
            next.Headers.Add("mex-Chunk-Range", $"{chunk}:{chunks}");
            using var response = await SendAsync(next, cancellationToken).ConfigureAwait(false);
        }

        return messageId;
    }

    /// <summary>The ids of the messages waiting in this mailbox's inbox.</summary>
    public async Task<IReadOnlyList<string>> InboxAsync(CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, "/inbox");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var messages = (await JsonAsync(response, cancellationToken).ConfigureAwait(false))?["messages"] as JsonArray;
        return messages is null ? [] : [.. messages.Select(m => m?.GetValue<string>()).OfType<string>()];
    }

    /// <summary>
    /// Downloads a message, every chunk, refusing one larger than <paramref name="maxBytes"/> and checking our checksum when
    /// the sender gave one; it stays in the inbox until acknowledged.
    /// </summary>
    public async Task<MeshIncoming> DownloadAsync(string messageId, long maxBytes = DefaultMaxBytes, CancellationToken cancellationToken = default)
    {
        var path = $"/inbox/{Uri.EscapeDataString(messageId)}";
        using var request = Request(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        using var content = new MemoryStream();
        await CopyAsync(response, content, messageId, maxBytes, cancellationToken).ConfigureAwait(false);
        var chunks = ChunkCount(Header(response, "mex-Chunk-Range"));
        for (var chunk = 2; chunk <= chunks; chunk++)
        {
            using var next = Request(HttpMethod.Get, $"{path}/{chunk}");
            using var part = await SendAsync(next, cancellationToken).ConfigureAwait(false);
            await CopyAsync(part, content, messageId, maxBytes, cancellationToken).ConfigureAwait(false);
        }

        var bytes = content.ToArray();
        if (Header(response, "mex-Content-Checksum") is { } checksum && checksum.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase)
            && !checksum.Equals(Checksum(bytes), StringComparison.OrdinalIgnoreCase))
        {
            throw new MeshException($"MESH message {messageId}: its content does not match its checksum ({chunks} chunks)");
        }

        return new MeshIncoming(
            Header(response, "mex-MessageID") ?? messageId, Header(response, "mex-MessageType") ?? MeshIncoming.Data, Header(response, "mex-From"),
            Header(response, "mex-WorkflowID"), Header(response, "mex-LocalID"), Header(response, "mex-LinkedMsgID"),
            Header(response, "mex-StatusCode"), Header(response, "mex-StatusDescription"), bytes);
    }

    // The sender chooses the chunk count: the bytes taken are bounded, not the chunks trusted.
    private static async Task CopyAsync(HttpResponseMessage response, MemoryStream content, string messageId, long maxBytes, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (content.Length + read > maxBytes)
                {
                    throw new MeshException($"MESH message {messageId} is larger than {maxBytes} bytes");
                }

                content.Write(buffer, 0, read);
            }
        }
    }

    /// <summary>Acknowledges a message, which removes it from the inbox.</summary>
    public async Task AcknowledgeAsync(string messageId, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Put, $"/inbox/{Uri.EscapeDataString(messageId)}/status/acknowledged");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What MESH says of a message this mailbox sent.</summary>
    public async Task<MeshTracking> TrackAsync(string messageId, CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, $"/outbox/tracking?messageID={Uri.EscapeDataString(messageId)}");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var json = await JsonAsync(response, cancellationToken).ConfigureAwait(false) ?? throw new MeshException("MESH tracking gave no answer");
        return new MeshTracking(
            Text(json, "message_id") ?? messageId, Text(json, "status") ?? throw new MeshException("MESH tracking gave no status"),
            Text(json, "status_code"), Text(json, "status_description"));
    }

    /// <summary>The MESH mailboxes registered for an ODS code and workflow.</summary>
    public async Task<IReadOnlyList<string>> LookupAsync(string odsCode, string workflowId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/messageexchange/endpointlookup/{Uri.EscapeDataString(odsCode)}/{Uri.EscapeDataString(workflowId)}");
        Authorise(request);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var results = (await JsonAsync(response, cancellationToken).ConfigureAwait(false))?["results"] as JsonArray;
        return results is null ? [] : [.. results.Select(r => r?["address"]?.GetValue<string>()).OfType<string>()];
    }

    /// <inheritdoc/>
    public void Dispose() => http.Dispose();

    /// <summary>The checksum header value of a content: <c>SHA256:</c> and its hex digest.</summary>
    public static string Checksum(byte[] content) => "SHA256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, $"/messageexchange/{Uri.EscapeDataString(credentials.Mailbox)}{path}") { Content = content };
        Authorise(request);
        return request;
    }

    private void Authorise(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Authorization", MeshAuthorization.Header(credentials, Guid.NewGuid().ToString(), 1, time.GetUtcNow()));
        request.Headers.Accept.ParseAdd(AcceptType);
    }

    private static ByteArrayContent Chunk(byte[] content, int index, int chunkSize)
    {
        var start = index * chunkSize;
        var part = new ByteArrayContent(content, start, Math.Min(chunkSize, content.Length - start));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return part;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var (code, description) = Error(body);
            throw new MeshException((int)response.StatusCode, code, description ?? response.ReasonPhrase ?? "no reason given");
        }
    }

    // MESH's error body: {"errorCode", "errorDescription"} (v1) or {"detail": [{"code", "msg"}]} (v2); words cut to 200 characters.
    private static (string? Code, string? Description) Error(string body)
    {
        try
        {
            var json = JsonNode.Parse(body);
            var code = Text(json, "errorCode") ?? Text(json?["detail"]?[0], "code");
            var words = Text(json, "errorDescription") ?? Text(json?["detail"]?[0], "msg");
            return (code, words is null ? null : words[..Math.Min(words.Length, 200)]);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    private static async Task<JsonNode?> JsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new MeshException($"MESH answered {(int)response.StatusCode} with a body that is not JSON ({ex.Message})");
        }
    }

    private static string? Text(JsonNode? json, string name) =>
        json is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static int ChunkCount(string? range)
    {
        // "n:total"; absent means one chunk.
        var parts = range?.Split(':');
        return parts is { Length: 2 } && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var total) && total >= 1 ? total : 1;
    }
}
