using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace ExchangeGateway.Audit;

/// <summary>One signature line of a signed note: the key's name, its 4-byte id and the signature bytes.</summary>
public sealed record NoteSignature(string Name, uint KeyId, byte[] Signature);

/// <summary>
/// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures, the only type the spec defines fully: a
/// text ending in a newline, a blank line, then one line per signature, U+2014 EM DASH, space, key name, space,
/// base64(key id ‖ signature). The signature covers the text's UTF-8 bytes including its final newline.
/// </summary>
public static class SignedNote
{
    /// <summary>The signature type byte of Ed25519 in key ids and verifier keys.</summary>
    public const byte Ed25519Type = 0x01;

    /// <summary>The most signature lines a note may carry before it is refused (as Go's note.Open).</summary>
    public const int MaxSignatures = 100;

    private const string SignaturePrefix = "\u2014 ";

    /// <summary>The key id of an Ed25519 key: the first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).</summary>
    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        CheckName(name);
        var bytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[bytes.Length + 2 + publicKey.Length];
        bytes.CopyTo(input, 0);
        input[bytes.Length] = 0x0A;
        input[bytes.Length + 1] = Ed25519Type;
        publicKey.CopyTo(input.AsSpan(bytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>The note: <paramref name="text"/> signed by <paramref name="key"/>.</summary>
    public static string Sign(string text, NoteKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckText(text);
        var signature = key.Sign(Encoding.UTF8.GetBytes(text));
        var line = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(line, key.KeyId);
        signature.CopyTo(line, 4);
        return $"{text}\n{SignaturePrefix}{key.Name} {Convert.ToBase64String(line)}\n";
    }

    /// <summary>The text and signature lines of a note; FormatException naming what is malformed.</summary>
    public static (string Text, IReadOnlyList<NoteSignature> Signatures) Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (note.Any(c => c < ' ' && c != '\n'))
        {
            throw new FormatException("a signed note holds no control characters other than newline");
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || split + 2 >= note.Length || !note.EndsWith('\n'))
        {
            throw new FormatException("a signed note is a text, a blank line and signature lines, each ending in a newline");
        }

        var text = note[..(split + 1)];
        var lines = note[(split + 2)..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            throw new FormatException($"more than {MaxSignatures} signature lines");
        }

        var signatures = new List<NoteSignature>();
        foreach (var line in lines)
        {
            var parts = line.StartsWith(SignaturePrefix, StringComparison.Ordinal) ? line[SignaturePrefix.Length..].Split(' ') : [];
            byte[]? bytes = null;
            if (parts.Length != 2 || parts[0].Length == 0 || parts[0].Contains('+', StringComparison.Ordinal)
                || !TryBase64(parts[1], out bytes) || bytes.Length < 5)
            {
                throw new FormatException($"not a signature line: '{line}'");
            }

            signatures.Add(new NoteSignature(parts[0], BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4..]));
        }

        return (text, signatures);
    }

    /// <summary>
    /// The note's text when it carries a valid signature by the named key; null when it carries none by that key or
    /// the one it carries does not verify (a failed signature by a known key condemns the note, as the spec says).
    /// FormatException for a malformed note.
    /// </summary>
    public static string? VerifiedText(string note, string name, ReadOnlySpan<byte> publicKey)
    {
        var (text, signatures) = Parse(note);
        var id = KeyId(name, publicKey);
        var mine = signatures.FirstOrDefault(s => s.Name == name && s.KeyId == id);
        if (mine is null || mine.Signature.Length != Ed25519PrivateKeyParameters.SignatureSize || publicKey.Length != Ed25519PublicKeyParameters.KeySize)
        {
            return null;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        var message = Encoding.UTF8.GetBytes(text);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(mine.Signature) ? text : null;
    }

    /// <summary>A verifier key as the spec's tools share it: name+hex(key id)+base64(0x01 ‖ public key).</summary>
    public static string VerifierKey(string name, ReadOnlySpan<byte> publicKey) =>
        $"{name}+{KeyId(name, publicKey):x8}+{Convert.ToBase64String([Ed25519Type, .. publicKey])}";

    /// <summary>The name and public key of a verifier key; FormatException when it is not one, or its id does not match.</summary>
    public static (string Name, byte[] PublicKey) ParseVerifierKey(string verifierKey)
    {
        ArgumentNullException.ThrowIfNull(verifierKey);
        // The base64 key may itself hold '+': only the first two split (a name never holds one).
        var parts = verifierKey.Split('+', 3);
        if (parts.Length != 3 || !TryBase64(parts[2], out var typed) || typed.Length != 1 + Ed25519PublicKeyParameters.KeySize || typed[0] != Ed25519Type)
        {
            throw new FormatException("a verifier key is name+keyid+base64(0x01 ‖ 32-byte Ed25519 public key)");
        }

        var publicKey = typed[1..];
        if (!string.Equals(parts[1], KeyId(parts[0], publicKey).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw new FormatException($"the verifier key's id {parts[1]} is not the id of its name and key");
        }

        return (parts[0], publicKey);
    }

    internal static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Any(c => char.IsWhiteSpace(c) || c == '+' || c < ' '))
        {
            throw new ArgumentException("a key name holds no spaces, no '+' and no control characters", nameof(name));
        }
    }

    private static void CheckText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0 || !text.EndsWith('\n') || text.Contains("\n\n", StringComparison.Ordinal) || text.Any(c => c < ' ' && c != '\n'))
        {
            throw new ArgumentException("a note's text is non-empty, ends in a newline, has no blank line and no control characters", nameof(text));
        }
    }

    private static bool TryBase64(string value, out byte[] bytes)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(value, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}

/// <summary>An Ed25519 key that signs notes under a name (the checkpoint key of this gateway).</summary>
public sealed class NoteKey
{
    private readonly Ed25519PrivateKeyParameters key;

    /// <summary>A key from its 32-byte Ed25519 seed.</summary>
    public NoteKey(string name, ReadOnlySpan<byte> seed)
    {
        SignedNote.CheckName(name);
        if (seed.Length != Ed25519PrivateKeyParameters.KeySize)
        {
            throw new ArgumentException($"an Ed25519 private key is {Ed25519PrivateKeyParameters.KeySize} bytes", nameof(seed));
        }

        key = new Ed25519PrivateKeyParameters(seed);
        Name = name;
        PublicKey = key.GeneratePublicKey().GetEncoded();
        KeyId = SignedNote.KeyId(name, PublicKey);
    }

    /// <summary>The key's name, which the note's signature line carries.</summary>
    public string Name { get; }

    /// <summary>The 32-byte public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key id (<see cref="SignedNote.KeyId"/>).</summary>
    public uint KeyId { get; }

    /// <summary>The verifier key to hand to witnesses.</summary>
    public string VerifierKey => SignedNote.VerifierKey(Name, PublicKey);

    /// <summary>A key read from a PKCS#8 PEM file (as <c>openssl genpkey -algorithm ed25519</c> writes).</summary>
    public static NoteKey Load(string name, string pemPath)
    {
        var pem = File.ReadAllText(pemPath);
        var info = Org.BouncyCastle.Asn1.Pkcs.PrivateKeyInfo.GetInstance(PemEncoding.TryFind(pem, out var fields) && pem[fields.Label] is "PRIVATE KEY"
            ? Convert.FromBase64String(pem[fields.Base64Data])
            : throw new CryptographicException($"{pemPath} holds no PKCS#8 PRIVATE KEY"));
        return Org.BouncyCastle.Security.PrivateKeyFactory.CreateKey(info) is Ed25519PrivateKeyParameters ed25519
            ? new NoteKey(name, ed25519.GetEncoded())
            : throw new CryptographicException($"{pemPath} is not an Ed25519 key");
    }

    internal byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }
}
