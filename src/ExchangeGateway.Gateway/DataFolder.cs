using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Selection;

namespace ExchangeGateway.Gateway;

/// <summary>The data folder or database could not be used at start: not creatable, not writable, unreachable, or of another schema or key.</summary>
public sealed class DataFolderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Opens what the gateway keeps: its database (SQLite in the data folder, or PostgreSQL) and the person-key secret in the data folder.</summary>
public static class DataFolder
{
    private const string PersonKeySetting = "person-key-fingerprint";

    /// <summary>
    /// The store and the person keys; anything that cannot be used is a <see cref="DataFolderException"/> naming it and
    /// why. Every instance on one database must hold the same person key (copy <c>audit.key</c> from the first), or
    /// the same person would be two people in the trail and the outbox: a different key is refused.
    /// </summary>
    public static (IGatewayStore Store, PersonKeys PersonKeys) Open(string folder, string? database, TimeProvider time, int groupCommitLimit = StorageSelection.DefaultGroupCommitLimit)
    {
        if (groupCommitLimit < 1)
        {
            throw new DataFolderException($"Gateway:GroupCommitLimit is {groupCommitLimit}; it must be at least 1 (1 commits each accept alone)");
        }

        var full = Path.GetFullPath(folder);

        // Read, and named for messages, before anything is opened: the catch below must not parse (and throw) again.
        DatabaseLocation location;
        try
        {
            location = DatabaseLocation.Parse(database, full);
        }
        catch (FormatException ex)
        {
            throw new DataFolderException($"the database setting (--database) cannot be used: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        var what = string.IsNullOrWhiteSpace(database) ? $"the data folder {full}" : $"the database ({location})";
        IGatewayStore? store = null;
        try
        {
            Directory.CreateDirectory(full);
            ProveWritable(full);
            var personKeys = PersonKeys.LoadOrCreate(full);
            store = StorageSelection.Open(location, time, migrate: true, groupCommitLimit);
            store.ProveWritable();
            var fingerprint = Fingerprint(personKeys);
            var stored = store.InTransaction(tx => tx.ClaimSetting(PersonKeySetting, fingerprint));
            if (stored != fingerprint)
            {
                throw new DataFolderException(
                    $"{store.Description} was started with another person key than {PersonKeys.PathIn(full)}: every instance on one database needs the same {PersonKeys.FileName} (copy it from the first instance's data folder)");
            }

            return (store, personKeys);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or StorageUnavailableException or StorageSchemaException)
        {
            store?.Dispose();
            throw new DataFolderException($"{what} cannot be used: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        catch
        {
            store?.Dispose();
            throw;
        }
    }

    // A keyed hash of a fixed probe: shows whether two instances hold the same secret without storing the secret.
    private static string Fingerprint(PersonKeys keys) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keys.ForPrisonNumber("PERSONKEYFINGERPRINT"))));

    // SQLite may open a read-only file without complaint and fail only at the first write; a probe file fails now.
    private static void ProveWritable(string folder)
    {
        var probe = Path.Combine(folder, $".write-probe-{Environment.ProcessId}");
        File.WriteAllBytes(probe, [1]);
        File.Delete(probe);
    }
}
