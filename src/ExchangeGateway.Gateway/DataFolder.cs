using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The data folder could not be used at start: not creatable, not writable, or its database not openable.</summary>
public sealed class DataFolderException(string message, Exception inner) : Exception(message, inner);

/// <summary>Opens what the gateway keeps in its data folder, proving first that the folder takes writes.</summary>
public static class DataFolder
{
    /// <summary>The outbox, the person keys and the release schedule; a folder that cannot be used is a <see cref="DataFolderException"/> naming it and why.</summary>
    public static (Outbox Outbox, PersonKeys PersonKeys, ReleaseSchedule Schedule) Open(string folder, TimeProvider time)
    {
        var full = Path.GetFullPath(folder);
        Outbox? outbox = null;
        try
        {
            Directory.CreateDirectory(full);
            ProveWritable(full);
            outbox = Outbox.Open(GatewayDatabase.PathIn(full), time);
            outbox.ProveWritable();
            AuditLog.EnsureSchema(outbox.Connection);
            var personKeys = PersonKeys.LoadOrCreate(full);
            return (outbox, personKeys, ReleaseSchedule.On(outbox));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || StorageFaults.IsFault(ex))
        {
            outbox?.Dispose();
            throw new DataFolderException($"the data folder {full} cannot be used: {StorageFaults.Reason(ex)}", ex);
        }
    }

    // SQLite may open a read-only file without complaint and fail only at the first write; a probe file fails now.
    private static void ProveWritable(string folder)
    {
        var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        File.WriteAllBytes(probe, [1]);
        File.Delete(probe);
    }
}
