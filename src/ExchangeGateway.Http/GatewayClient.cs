using System.Net;
using System.Net.Http.Headers;

namespace ExchangeGateway.Http;

/// <summary>An answer from the gateway: status code, media type and body.</summary>
public sealed record GatewayResponse(HttpStatusCode Status, string? MediaType, byte[] Body)
{
    /// <summary>True for a 2xx status.</summary>
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The body as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>How long the gateway asked the caller to wait before sending again (a 503's Retry-After), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The gateway's newest audit checkpoint (X-Audit-Checkpoint: the signed note in base64), when it sent one.</summary>
    public string? AuditCheckpoint { get; init; }
}

/// <summary>Talks to the gateway's API over mutual TLS as one agency: submit, track, mailbox, fetch, acknowledge.</summary>
public sealed class GatewayClient : IDisposable
{
    /// <summary>The header that carries the gateway's newest audit checkpoint on pushes and mailbox fetches.</summary>
    public const string AuditCheckpointHeader = "X-Audit-Checkpoint";

    private readonly HttpClient http;

    /// <summary>Creates a client for the gateway at <paramref name="gateway"/> speaking as <paramref name="identity"/>.</summary>
    public GatewayClient(Uri gateway, TlsIdentity identity, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        http = new HttpClient(identity.Handler(TimeSpan.FromSeconds(10)), disposeHandler: true)
        {
            BaseAddress = gateway,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>POST /api/v1/submissions.</summary>
    public Task<GatewayResponse> SubmitAsync(byte[] body, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/submissions") { Content = content }, cancellationToken);
    }

    /// <summary>POST /api/v1/messages/{messageId}/response: a business response to a message this agency received.</summary>
    public Task<GatewayResponse> RespondAsync(string messageId, byte[] body, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/messages/" + Uri.EscapeDataString(messageId) + "/response") { Content = content }, cancellationToken);
    }

    /// <summary>GET /api/v1/submissions/{id}.</summary>
    public Task<GatewayResponse> TrackAsync(string submissionId, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/submissions/" + Uri.EscapeDataString(submissionId)), cancellationToken);

    /// <summary>GET /api/v1/mailbox.</summary>
    public Task<GatewayResponse> MailboxAsync(CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/mailbox"), cancellationToken);

    /// <summary>GET /api/v1/mailbox/{messageId}.</summary>
    public Task<GatewayResponse> FetchAsync(string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/mailbox/" + Uri.EscapeDataString(messageId)), cancellationToken);

    /// <summary>POST /api/v1/mailbox/{messageId}/ack.</summary>
    public Task<GatewayResponse> AcknowledgeAsync(string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/mailbox/" + Uri.EscapeDataString(messageId) + "/ack"), cancellationToken);

    /// <summary>GET /api/v1/audit/consistency?from=&amp;to=: the consistency proof between two audit tree sizes.</summary>
    public Task<GatewayResponse> ConsistencyAsync(long from, long to, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, FormattableString.Invariant($"api/v1/audit/consistency?from={from}&to={to}")), cancellationToken);

    /// <summary>GET /api/v1/messages/{messageId}/receipt: the proof that the gateway's audit log records this message's delivery.</summary>
    public Task<GatewayResponse> ReceiptAsync(string messageId, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/v1/messages/" + Uri.EscapeDataString(messageId) + "/receipt"), cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => http.Dispose();

    private async Task<GatewayResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var retryAfter = response.Headers.RetryAfter is { } header
                ? header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null)
                : null;
            var checkpoint = response.Headers.TryGetValues(AuditCheckpointHeader, out var values) ? values.FirstOrDefault() : null;
            return new GatewayResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body) { RetryAfter = retryAfter, AuditCheckpoint = checkpoint };
        }
    }
}
