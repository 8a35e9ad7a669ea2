using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Person keys made with HMAC-SHA256 under the deployment's secret (<c>DATA/audit.key</c>, 32 random bytes created on
/// first use, owner-only): stable within a deployment so records of one person can be found, meaningless outside it.
/// </summary>
public sealed class DataFolderPersonKeys : IPersonKeys
{
    /// <summary>The secret's file name in the data folder.</summary>
    public const string KeyFileName = "audit.key";

    private readonly byte[] secret;

    /// <summary>Loads (or creates) the secret in the data folder.</summary>
    public DataFolderPersonKeys(string dataFolder)
    {
        secret = LoadOrCreate(Path.Combine(dataFolder, KeyFileName));
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> For(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var keys = new List<string>();
        if (!string.IsNullOrEmpty(client.NhsNumber))
        {
            keys.Add(Key("nhs", client.NhsNumber));
        }

        if (!string.IsNullOrEmpty(client.PrisonNumber))
        {
            keys.Add(Key("prison", client.PrisonNumber.ToUpperInvariant()));
        }

        return keys;
    }

    private string Key(string kind, string identifier) =>
        kind + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(kind + ":" + identifier)));

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            return existing.Length == 32 ? existing : throw new InvalidOperationException($"{path} is not a 32-byte key");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(key);
            stream.Flush(flushToDisk: true);
        }

        // Two processes creating the key at once: the first rename wins and both use what is on disk.
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
        }

        return File.ReadAllBytes(path);
    }
}
