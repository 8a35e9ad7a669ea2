using System.Net.Http.Headers;
using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Pushes queued packages to agency endpoints over mutual TLS: 2xx delivered; 5xx, 408, 429, a timeout or no connection
/// retried; any other 4xx dead-lettered at once.
/// </summary>
public sealed class PushDelivery(
    IGatewayStore store, PushHttpClient http, IOptions<GatewayOptions> options, TimeProvider time, GatewayAudit audit, StorageHealth storage,
    GatewayMetrics metrics, LatestCheckpoint checkpoint, ILogger<PushDelivery> log)
    : OutboxDelivery(store, options, time, audit, storage, metrics, log)
{
    /// <inheritdoc/>
    protected override DeliveryChannel Channel => DeliveryChannel.Push;

    /// <inheritdoc/>
    protected override IOutboxQueue Queue(IStoreTransaction transaction) => transaction.PushQueue;

    /// <inheritdoc/>
    protected override async Task<SendResult> SendAsync(DueMessage message, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(Options.PushTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Endpoint) { Content = new ByteArrayContent(message.Package) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs7-mime");
        request.Headers.Add("X-Message-Id", message.MessageId);
        if (checkpoint.HeaderValue() is { } note)
        {
            request.Headers.Add(LatestCheckpoint.HeaderName, note);
        }

        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => new(SendOutcome.Delivered, $"HTTP {code}"),

                // 408 and 429 say "not now" rather than "never": retried like a 5xx.
                408 or 429 => new(SendOutcome.Retry, $"HTTP {code}"),
                >= 400 and < 500 => new(SendOutcome.Refused, $"HTTP {code}: the agency refused the package"),
                _ => new(SendOutcome.Retry, $"HTTP {code}"),
            };
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new(SendOutcome.Retry, $"no answer within {Options.PushTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new(SendOutcome.Retry, ex.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused or unreachable" : $"transport error: {ex.HttpRequestError}");
        }
    }
}

/// <summary>The HTTP client used for pushes: presents the gateway's certificate, checks agency servers against the certs folder.</summary>
public sealed class PushHttpClient(HttpClient client)
{
    /// <summary>The client.</summary>
    public HttpClient Client { get; } = client;
}
