using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// The newest signed checkpoint as the <c>X-Audit-Checkpoint</c> header carries it (the signed note in base64), read
/// from the store at most once a second: every push and mailbox fetch shows it to the agency, which keeps it as a witness.
/// </summary>
public sealed class LatestCheckpoint(IGatewayStore store, TimeProvider time, ILogger<LatestCheckpoint> log)
{
    /// <summary>The header that carries the checkpoint.</summary>
    public const string HeaderName = Http.GatewayClient.AuditCheckpointHeader;

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly Lock gate = new();
    private (DateTimeOffset ReadAt, string? Note)? cached;

    /// <summary>The header's value, or null while no checkpoint is signed (or the store cannot be read and none was read before).</summary>
    public string? HeaderValue()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (cached is { } known && now - known.ReadAt < MaxAge)
            {
                return known.Note;
            }
        }

        try
        {
            var note = store.Snapshot(tx => tx.Audit.NewestCheckpoint()?.Signature);
            if (note is not null && !IsBase64(note))
            {
                // A changed row is the verifier's to report; a header must never carry it (nor break a push).
                log.LogError("The newest audit checkpoint is not a stored signed note; run exg audit verify");
                note = null;
            }

            lock (gate)
            {
                cached = (now, note);
            }

            return note;
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            // The header is evidence for the agency, not part of the delivery: a read fault leaves the last one known.
            log.LogWarning("Could not read the newest audit checkpoint for {Header}: {Error}", HeaderName, ex.GetType().Name);
            lock (gate)
            {
                return cached?.Note;
            }
        }
    }

    private static bool IsBase64(string text) =>
        text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    /// <summary>Forgets the cached checkpoint, so the next read sees one just signed.</summary>
    public void Invalidate()
    {
        lock (gate)
        {
            cached = null;
        }
    }
}
