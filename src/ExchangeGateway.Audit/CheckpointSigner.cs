using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Audit;

/// <summary>
/// Signs checkpoints as signed tree heads: the C2SP tlog-checkpoint text (origin, tree size, root) with one extension
/// line binding this gateway's checkpoint number, reason, time and the chain hash of the last entry, signed as a C2SP
/// signed note by the checkpoint key (Ed25519, <c>audit-checkpoint.key</c> in the certs folder; its name is the origin).
/// </summary>
public sealed class CheckpointSigner
{
    /// <summary>The checkpoint key's file in a certs folder (PKCS#8 PEM, as <c>openssl genpkey -algorithm ed25519</c> writes).</summary>
    public const string KeyFile = "audit-checkpoint.key";

    /// <summary>The verifier key's file in a certs folder: one line, name+keyid+base64 key, the key witnesses and verifiers are given.</summary>
    public const string VerifierKeyFile = "audit-checkpoint.vkey";

    /// <summary>The first word of the gateway's extension line.</summary>
    public const string ExtensionTag = "exchange-gateway-checkpoint";

    private readonly NoteKey key;
    private readonly Lock signing = new();

    /// <summary>A signer with <paramref name="key"/>; the key's name is the origin line of every tree head.</summary>
    public CheckpointSigner(NoteKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        this.key = key;
    }

    /// <summary>The log's origin (the key's name).</summary>
    public string Origin => key.Name;

    /// <summary>How a checkpoint names its signer: the key name and hex key id, as in a verifier key.</summary>
    public string Signer => SignerName(key.Name, key.KeyId);

    /// <summary>The verifier key to give witnesses.</summary>
    public string VerifierKey => key.VerifierKey;

    /// <summary>How a checkpoint names the key that signed it.</summary>
    public static string SignerName(string name, uint keyId) => string.Create(CultureInfo.InvariantCulture, $"{name}+{keyId:x8}");

    /// <summary>
    /// Loads the checkpoint key of a certs folder; its name is <paramref name="origin"/> when given, else the name in the
    /// folder's verifier key. CryptographicException naming the file when either is missing or they disagree.
    /// </summary>
    public static CheckpointSigner Load(string certsFolder, string? origin = null)
    {
        var keyPath = Path.Combine(certsFolder, KeyFile);
        var verifierPath = Path.Combine(certsFolder, VerifierKeyFile);
        if (!File.Exists(keyPath))
        {
            throw new CryptographicException($"{keyPath} is missing: checkpoints are signed with an Ed25519 key of their own (exg audit checkpoint-key makes one)");
        }

        var published = File.Exists(verifierPath) ? CheckpointKeys.ParseFile(verifierPath) : default;
        var name = origin ?? published.Name
            ?? throw new CryptographicException($"{verifierPath} is missing: it names the log (the origin line) and gives witnesses the key");
        var loaded = NoteKey.Load(name, keyPath);
        if (published.Name is not null && (published.Name != name || !published.PublicKey!.AsSpan().SequenceEqual(loaded.PublicKey)))
        {
            throw new CryptographicException($"{verifierPath} ({published.Name}) is not the verifier key of {keyPath} under the origin '{name}': make it again with exg audit checkpoint-key");
        }

        return new CheckpointSigner(loaded);
    }

    /// <summary>The origin of the development key set (certs-dev).</summary>
    public const string DevelopmentOrigin = "exchange-gateway.dev/audit";

    /// <summary>
    /// Writes the verifier key of <paramref name="certsFolder"/>'s checkpoint key under <paramref name="origin"/>, first
    /// making the key (Ed25519, PKCS#8 PEM) when the folder has none; returns the signer. An existing key is never replaced.
    /// </summary>
    public static CheckpointSigner CreateKeyFiles(string certsFolder, string origin)
    {
        Directory.CreateDirectory(certsFolder);
        var keyPath = Path.Combine(certsFolder, KeyFile);
        if (!File.Exists(keyPath))
        {
            var generator = new Org.BouncyCastle.Crypto.Generators.Ed25519KeyPairGenerator();
            generator.Init(new Org.BouncyCastle.Crypto.Parameters.Ed25519KeyGenerationParameters(new Org.BouncyCastle.Security.SecureRandom()));
            // RFC 8410's version 1 form, without the public key, as openssl genpkey writes it (OpenSSL 3.0 refuses BC's version 2).
            var seed = ((Org.BouncyCastle.Crypto.Parameters.Ed25519PrivateKeyParameters)generator.GenerateKeyPair().Private).GetEncoded();
            var info = new Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo(
                new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(Org.BouncyCastle.Asn1.EdEC.EdECObjectIdentifiers.id_Ed25519),
                new Org.BouncyCastle.Asn1.DerOctetString(seed));
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The private key is the gateway's word to the witnesses: readable by its owner only.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new StreamWriter(keyPath, Encoding.ASCII, options);
            file.Write(PemEncoding.WriteString("PRIVATE KEY", info.GetEncoded()) + "\n");
        }

        var signer = new CheckpointSigner(NoteKey.Load(origin, keyPath));
        File.WriteAllText(Path.Combine(certsFolder, VerifierKeyFile), signer.VerifierKey + "\n");
        return signer;
    }

    /// <summary>The extension line of checkpoint <paramref name="number"/>: tag, number, reason, time and the chain hash of its last entry.</summary>
    public static string Extension(long number, CheckpointReason reason, DateTimeOffset time, string chainHash) =>
        string.Create(CultureInfo.InvariantCulture, $"{ExtensionTag} {number} {AuditChain.ReasonName(reason)} {AuditChain.FormatTime(time)} {chainHash}");

    /// <summary>The tree head a checkpoint signs.</summary>
    public static TreeHead TreeHeadOf(string origin, long number, (long Seq, string Hash) head, byte[] root, DateTimeOffset time, CheckpointReason reason) =>
        TreeHead.Of(origin, head.Seq, root, Extension(number, reason, time, head.Hash));

    /// <summary>The signed note in a checkpoint's signature field (base64 of its UTF-8 text, one line, as X-Audit-Checkpoint carries it).</summary>
    public static string NoteOf(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return NoteOf(checkpoint.Signature);
    }

    /// <summary>The signed note in a stored checkpoint's signature column; FormatException when it is not base64.</summary>
    public static string NoteOf(string signature) => Encoding.UTF8.GetString(Convert.FromBase64String(signature));

    /// <summary>Checkpoint <paramref name="number"/> over the first <paramref name="head"/>.Seq entries whose tree root is <paramref name="root"/>, signed now.</summary>
    internal AuditCheckpoint Checkpoint(long number, (long Seq, string Hash) head, byte[] root, DateTimeOffset time, CheckpointReason reason)
    {
        var treeHead = TreeHeadOf(Origin, number, head, root, time, reason);
        string note;

        // One key object shared by every appender; the library does not promise signing on it concurrently is safe.
        lock (signing)
        {
            note = treeHead.Sign(key);
        }

        return new AuditCheckpoint(number, head.Seq, head.Hash, time, reason, Signer, Convert.ToBase64String(Encoding.UTF8.GetBytes(note)));
    }
}
