using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Audit;

/// <summary>
/// Pseudonymous person keys for the trail: HMAC-SHA256 of an identifier with a per-deployment secret
/// (<c>DATA/audit.key</c>), as <c>nhs:HEX</c> or <c>prison:HEX</c>. Whoever holds the secret can find a person's
/// entries; the trail alone, or an export, names no one.
/// </summary>
public sealed class PersonKeys
{
    /// <summary>The secret's file name in the data folder.</summary>
    public const string FileName = "audit.key";

    /// <summary>The secret's length in bytes.</summary>
    public const int SecretLength = 32;

    private readonly byte[] secret;

    /// <summary>Keys made with this secret (32 bytes).</summary>
    public PersonKeys(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != SecretLength)
        {
            throw new ArgumentException($"the audit key is {SecretLength} bytes", nameof(secret));
        }

        this.secret = secret.ToArray();
    }

    /// <summary>The secret's path in a data folder.</summary>
    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, FileName);

    /// <summary>Reads the data folder's secret, making it (32 random bytes, mode 0600) when there is none yet.</summary>
    public static PersonKeys LoadOrCreate(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        Directory.CreateDirectory(dataFolder);
        var path = PathIn(dataFolder);
        if (!File.Exists(path))
        {
            TryCreate(path);
        }

        return Load(dataFolder);
    }

    /// <summary>Reads the data folder's secret; throws FileNotFoundException when there is none (a query must never make a new one).</summary>
    public static PersonKeys Load(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataFolder);
        var path = PathIn(dataFolder);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != SecretLength)
        {
            throw new InvalidDataException($"{path}: the audit key must be {SecretLength} bytes, found {bytes.Length}");
        }

        return new PersonKeys(bytes);
    }

    /// <summary>How every NHS-number key begins (a prison-number key begins <c>prison:</c>).</summary>
    public const string NhsPrefix = "nhs:";

    /// <summary>The key of an NHS number (spaces and hyphens ignored); throws ArgumentException for an invalid one.</summary>
    public string ForNhsNumber(string nhsNumber)
    {
        ArgumentNullException.ThrowIfNull(nhsNumber);
        var digits = nhsNumber.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!NhsNumber.IsValid(digits))
        {
            throw new ArgumentException("not a valid NHS number (ten digits with a modulus-11 check digit)", nameof(nhsNumber));
        }

        return Key("nhs", digits);
    }

    /// <summary>The key of a prison number (trimmed, upper-cased so that a1234bc and A1234BC are one person).</summary>
    public string ForPrisonNumber(string prisonNumber)
    {
        ArgumentNullException.ThrowIfNull(prisonNumber);
        var normal = prisonNumber.Trim().ToUpperInvariant();
        if (normal.Length == 0 || normal.Length > 32 || !normal.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("a prison number is 1 to 32 letters and digits", nameof(prisonNumber));
        }

        return Key("prison", normal);
    }

    /// <summary>The key of whichever identifier this is: ten digits (spaces allowed) is an NHS number, anything else a prison number.</summary>
    public string ForIdentifier(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var digits = identifier.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 10 && digits.All(char.IsAsciiDigit) ? ForNhsNumber(digits) : ForPrisonNumber(identifier);
    }

    private string Key(string kind, string value)
    {
        // The kind is inside the MAC as well as in front of it, so one string never gives the same key as both kinds.
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(kind + ":" + value));
        return kind + ":" + Convert.ToHexStringLower(mac);
    }

    private static void TryCreate(string path)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretLength);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(secret);
                stream.Flush(flushToDisk: true);
            }

            // Written beside and moved without overwriting: a crash leaves no half key, and two first starts agree on one key.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first; its key is the one.
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
