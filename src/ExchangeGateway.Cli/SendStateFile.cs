using System.Globalization;
using System.Text;

namespace ExchangeGateway.Cli;

/// <summary>A final answer the gateway gave to one submission: its HTTP status and, for a refusal, why (problem title and first path).</summary>
public sealed record SendAnswer(int Status, string Reason)
{
    /// <summary>True for a 2xx answer: the gateway holds the submission.</summary>
    public bool Accepted => Status is >= 200 and < 300;
}

/// <summary>
/// The resumable state of <c>exg send --dir</c>: an append-only text file, one line <c>submissionId status reason</c> for
/// each final answer (accepted or refused, never a 503 or a network error, which are tried again on the next run). Lines
/// are written in batches, so a crash loses at most the last batch, whose files are simply sent again: the gateway
/// answers a repeated body as it did the first time. The reason is the problem title and the first error path only,
/// never a value from the record.
/// </summary>
public sealed class SendStateFile : IDisposable
{
    private const int BatchLines = 256;
    private readonly Lock gate = new();
    private readonly StringBuilder pending = new();
    private readonly FileStream stream;
    private int pendingLines;

    private SendStateFile(string path, IReadOnlyDictionary<string, SendAnswer> earlier)
    {
        Earlier = earlier;
        stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    /// <summary>The answers of earlier runs by submission id (the last line for an id wins).</summary>
    public IReadOnlyDictionary<string, SendAnswer> Earlier { get; }

    /// <summary>Reads the state file at <paramref name="path"/> (none yet is an empty state) and opens it for appending.</summary>
    public static SendStateFile Open(string path)
    {
        var earlier = new Dictionary<string, SendAnswer>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                // A torn last line from a crash has no status: it is skipped, and its file sent again.
                var parts = line.Split(' ', 3);
                if (parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
                {
                    earlier[parts[0]] = new SendAnswer(status, parts.Length == 3 ? parts[2] : "");
                }
            }
        }

        return new SendStateFile(path, earlier);
    }

    /// <summary>Records a final answer; written with its batch.</summary>
    public void Record(string key, SendAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var reason = answer.Reason.ReplaceLineEndings(" ");
        lock (gate)
        {
            pending.Append(CultureInfo.InvariantCulture, $"{key} {answer.Status} {reason}\n");
            if (++pendingLines >= BatchLines)
            {
                FlushLocked();
            }
        }
    }

    /// <summary>Writes the pending lines through to the disk.</summary>
    public void Flush()
    {
        lock (gate)
        {
            FlushLocked();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Flush();
        stream.Dispose();
    }

    private void FlushLocked()
    {
        if (pendingLines == 0)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(pending.ToString());
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        pending.Clear();
        pendingLines = 0;
    }
}
