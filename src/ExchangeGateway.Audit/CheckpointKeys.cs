namespace ExchangeGateway.Audit;

/// <summary>
/// The verifier keys a reader of checkpoints trusts: every <c>audit-checkpoint*.vkey</c> in a certs folder (more than
/// one after a key rotation). Checks a signed tree head's signature, origin and form, and says why one is refused.
/// </summary>
public sealed class CheckpointKeys
{
    private readonly IReadOnlyList<(string Name, byte[] PublicKey, string Signer)> keys;

    /// <summary>Keys from verifier-key lines.</summary>
    public CheckpointKeys(IEnumerable<string> verifierKeys)
    {
        ArgumentNullException.ThrowIfNull(verifierKeys);
        keys = [.. verifierKeys.Select(SignedNote.ParseVerifierKey).Select(k => (k.Name, k.PublicKey, CheckpointSigner.SignerName(k.Name, SignedNote.KeyId(k.Name, k.PublicKey))))];
    }

    /// <summary>How many keys are trusted.</summary>
    public int Count => keys.Count;

    /// <summary>The verifier keys of a certs folder (none when it has none); FormatException naming a file that is not one.</summary>
    public static CheckpointKeys Load(string certsFolder)
    {
        ArgumentNullException.ThrowIfNull(certsFolder);
        var files = Directory.Exists(certsFolder)
            ? Directory.GetFiles(certsFolder, "audit-checkpoint*.vkey").Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return new CheckpointKeys(files.Select(file => VerifierLine(file)));
    }

    /// <summary>The name and key of a verifier-key file; FormatException naming the file.</summary>
    public static (string? Name, byte[]? PublicKey) ParseFile(string path)
    {
        var (name, key) = SignedNote.ParseVerifierKey(VerifierLine(path));
        return (name, key);
    }

    /// <summary>
    /// The tree head of a checkpoint note signed by a trusted key, or why it is refused: not a signed note, signed by no
    /// key trusted here, a bad signature, or not a tree head of that key's log. <paramref name="signer"/>, when given, must
    /// be the key that signed it (a stored checkpoint names its signer).
    /// </summary>
    public (TreeHead? Head, string? Refusal) Open(string note, string? signer = null)
    {
        ArgumentNullException.ThrowIfNull(note);
        IReadOnlyList<NoteSignature> signatures;
        try
        {
            signatures = SignedNote.Parse(note).Signatures;
        }
        catch (FormatException ex)
        {
            return (null, $"it is not a signed note: {ex.Message}");
        }

        var candidates = keys.Where(k => signer is null || k.Signer == signer).ToList();
        if (candidates.Count == 0)
        {
            return (null, signer is null
                ? "no checkpoint verifier key (audit-checkpoint.vkey) is in the certs folder"
                : $"it names signer {signer}, which is no checkpoint verifier key in the certs folder");
        }

        foreach (var (name, publicKey, _) in candidates.Where(k => signatures.Any(s => s.Name == k.Name && s.KeyId == SignedNote.KeyId(k.Name, k.PublicKey))))
        {
            try
            {
                return TreeHead.Verified(note, name, name, publicKey) is { } head
                    ? (head, null)
                    : (null, "the signature does not verify (forged, or the checkpoint was changed)");
            }
            catch (FormatException ex)
            {
                return (null, $"it is not a tree head: {ex.Message}");
            }
        }

        return (null, $"it carries no signature by {string.Join(" or ", candidates.Select(k => k.Signer))}");
    }

    private static string VerifierLine(string path)
    {
        var lines = File.ReadAllLines(path).Where(line => line.Trim().Length > 0).ToList();
        if (lines.Count != 1)
        {
            throw new FormatException($"{path}: a verifier-key file holds one line (name+keyid+base64 key)");
        }

        try
        {
            SignedNote.ParseVerifierKey(lines[0].Trim());
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }

        return lines[0].Trim();
    }
}
