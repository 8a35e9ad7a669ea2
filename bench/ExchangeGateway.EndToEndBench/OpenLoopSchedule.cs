using System.Diagnostics;
using System.Net;
using ExchangeGateway.Http;

namespace ExchangeGateway.EndToEndBench;

/// <summary>What became of one request of an open-loop schedule; times are <see cref="Stopwatch"/> timestamps.</summary>
internal readonly record struct ScheduledRequest(long Intended, long Sent, long Answered, bool Accepted, long Messages, string? Error);

/// <summary>
/// Sends requests at a fixed arrival rate: request i is due at t0 + i / rate and is started then, whether or not the
/// earlier ones have been answered, so a stall in the gateway shows as the latency of every request due during it
/// rather than as requests never sent (no coordinated omission).
/// </summary>
internal static class OpenLoopSchedule
{
    /// <summary>Sends every body in turn at <paramref name="rate"/> a second and returns what became of each, in schedule order.</summary>
    /// <remarks>
    /// One <see cref="GatewayClient"/> is enough: its <c>SocketsHttpHandler</c> leaves <c>MaxConnectionsPerServer</c>
    /// unlimited, so it opens another connection whenever every open one is busy and never queues a request behind another.
    /// </remarks>
    public static async Task<ScheduledRequest[]> RunAsync(GatewayClient client, IReadOnlyList<byte[]> bodies, double rate)
    {
        var outcomes = new ScheduledRequest[bodies.Count];
        var inFlight = new Task[bodies.Count];
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < bodies.Count; i++)
        {
            var intended = t0 + (long)(i * Stopwatch.Frequency / rate);

            // Timers here round to whole milliseconds or worse; never send early, and let a late send count in the
            // latency, which is measured from the intended time.
            while (Stopwatch.GetTimestamp() < intended)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds)))).ConfigureAwait(false);
            }

            // On the thread pool, so that this loop moves on to the next due time at once (a request's first steps,
            // the write to the socket included, run synchronously in the caller).
            var n = i;
            inFlight[n] = Task.Run(async () => outcomes[n] = await SendAsync(client, bodies[n], intended).ConfigureAwait(false));
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        return outcomes;
    }

    private static async Task<ScheduledRequest> SendAsync(GatewayClient client, byte[] body, long intended)
    {
        var sent = Stopwatch.GetTimestamp();
        try
        {
            var response = await client.SubmitAsync(body).ConfigureAwait(false);
            var answered = Stopwatch.GetTimestamp();
            return response.Status == HttpStatusCode.Accepted
                ? new ScheduledRequest(intended, sent, answered, true, SubmissionAnswer.MessagesIn(response), null)
                : new ScheduledRequest(intended, sent, answered, false, 0, $"HTTP {(int)response.Status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            // Refused, reset or timed out: an error, not a latency (the gateway answered nothing).
            return new ScheduledRequest(intended, sent, Stopwatch.GetTimestamp(), false, 0, $"{ex.GetType().Name}: {ex.GetBaseException().Message}");
        }
    }
}
