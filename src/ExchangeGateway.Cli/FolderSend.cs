using System.Net;
using System.Net.Http;
using System.Text.Json;
using ExchangeGateway.Http;

namespace ExchangeGateway.Cli;

/// <summary>
/// <c>exg send --dir</c>: sends every submission of a folder through one client (its pooled connections kept alive, so
/// each does the mutual TLS handshake once) with a fixed number of requests in flight, resuming from the state file.
/// A 503 or 429 pauses every sender for the Retry-After the gateway asked for, and a network error for a backoff, before
/// the same file is tried again; the run stops early when the gateway fails many files in a row.
/// </summary>
public sealed class FolderSend(GatewayClient client, string agency, int concurrency, SendStateFile state, SendProgress progress)
{
    // Two rounds of every sender failing: the gateway is down, and waiting out backoffs for each file left would take hours.
    private readonly int failuresInARowToStop = Math.Max(8, 2 * concurrency);

    /// <summary>The largest file sent; the gateway refuses more than 1 MB, and reads one byte past it to say so.</summary>
    public const int MaxFileBytes = 2 * 1024 * 1024;

    private const int Attempts = 6;
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(60);
    private readonly Lock gate = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;
    private int failuresInARow;

    /// <summary>Sends <paramref name="files"/> (already in order) and says what became of each.</summary>
    public async Task<IReadOnlyList<FileResult>> RunAsync(IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var results = new FileResult[files.Count];
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var ticking = new CancellationTokenSource();
        var ticker = progress.RunAsync(state.Flush, ticking.Token);
        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = stopping.Token };
            await Parallel.ForEachAsync(Enumerable.Range(0, files.Count), options, async (index, token) =>
            {
                results[index] = await OneAsync(files[index], token).ConfigureAwait(false);
                progress.Finished(results[index].Outcome is SendOutcome.Accepted or SendOutcome.Refused or SendOutcome.Failed);
                if (Volatile.Read(ref failuresInARow) >= failuresInARowToStop)
                {
                    await stopping.CancelAsync().ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopped for the failures in a row: the files not reached are reported as not sent.
        }
        finally
        {
            await ticking.CancelAsync().ConfigureAwait(false);
            await ticker.ConfigureAwait(false);
            state.Flush();
        }

        for (var i = 0; i < results.Length; i++)
        {
            results[i] ??= new FileResult(files[i], SendOutcome.Failed, 0, $"not sent: the run stopped after {failuresInARowToStop} files in a row failed to send");
        }

        return results;
    }

    private async Task<FileResult> OneAsync(string file, CancellationToken cancellationToken)
    {
        var body = InputFiles.Read(file, MaxFileBytes);
        var (key, from) = Identify(body, file);
        if (state.Earlier.TryGetValue(key, out var earlier))
        {
            return new FileResult(file, earlier.Accepted ? SendOutcome.AcceptedEarlier : SendOutcome.RefusedEarlier, earlier.Status, earlier.Reason);
        }

        if (from is not null && !string.Equals(from, agency, StringComparison.Ordinal))
        {
            return new FileResult(file, SendOutcome.RefusedLocally, 0, $"event.from is {from}, not the sending agency {agency} (--as); not sent");
        }

        string lastProblem = "";
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            await WaitOutPauseAsync(cancellationToken).ConfigureAwait(false);
            GatewayResponse response;
            try
            {
                response = await client.SubmitAsync(body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastProblem = ex is HttpRequestException ? "cannot reach the gateway: " + ex.Message : "the gateway did not answer in time";
                Pause(Backoff(attempt));
                continue;
            }

            if (response.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
            {
                lastProblem = $"HTTP {(int)response.Status} {FolderSendReport.Reason(response)}";
                Pause(response.RetryAfter ?? Backoff(attempt));
                continue;
            }

            Interlocked.Exchange(ref failuresInARow, 0);
            var answer = new SendAnswer((int)response.Status, response.IsSuccess ? "accepted" : FolderSendReport.Reason(response));
            state.Record(key, answer);
            return new FileResult(file, answer.Accepted ? SendOutcome.Accepted : SendOutcome.Refused, answer.Status, answer.Reason);
        }

        Interlocked.Increment(ref failuresInARow);
        return new FileResult(file, SendOutcome.Failed, 0, $"failed after {Attempts} attempts: {lastProblem}");
    }

    // The submission id keys the state; a file without one (not JSON, say) is keyed by its name and left to the gateway to refuse.
    private static (string Key, string? From) Identify(byte[] body, string file)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? Text(JsonElement element, string name) =>
                element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var id = Text(root, "submissionId");
            var from = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("event", out var ev) ? Text(ev, "from") : null;
            return (string.IsNullOrEmpty(id) || id.Contains(' ', StringComparison.Ordinal) ? "file:" + Path.GetFileName(file) : id, from);
        }
        catch (JsonException)
        {
            return ("file:" + Path.GetFileName(file), null);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));

    // Every sender waits out one pause, so a busy gateway sees one request per sender after it, not a storm of retries.
    private void Pause(TimeSpan span)
    {
        var until = DateTimeOffset.UtcNow + (span > LongestPause ? LongestPause : span < TimeSpan.Zero ? TimeSpan.Zero : span);
        lock (gate)
        {
            if (until > pausedUntil)
            {
                pausedUntil = until;
            }
        }
    }

    private async Task WaitOutPauseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (gate)
            {
                wait = pausedUntil - DateTimeOffset.UtcNow;
            }

            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
