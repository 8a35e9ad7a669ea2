using System.Net;
using System.Text.Json;
using ExchangeGateway.Http;

namespace ExchangeGateway.EndToEndBench;

/// <summary>Reads the gateway's answer to a submission.</summary>
internal static class SubmissionAnswer
{
    /// <summary>Submits one body, insists on the 202, and returns how many messages it names.</summary>
    public static async Task<long> SubmitAsync(GatewayClient client, byte[] body) => MessagesIn(await client.SubmitAsync(body).ConfigureAwait(false));

    /// <summary>How many messages a 202 names (what the outbox must hold for it); throws on any other status.</summary>
    public static long MessagesIn(GatewayResponse response)
    {
        if (response.Status != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"HTTP {(int)response.Status}: {response.Text}");
        }

        using var answer = JsonDocument.Parse(response.Body);
        return answer.RootElement.GetProperty("messages").EnumerateArray().Count(m => m.TryGetProperty("messageId", out _));
    }
}
