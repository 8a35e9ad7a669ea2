using System.Globalization;

namespace ExchangeGateway.Audit;

/// <summary>
/// A tree head in the C2SP tlog-checkpoint text form (https://c2sp.org/tlog-checkpoint): the origin line (the log's
/// name, from configuration), the tree size in decimal, the base64 root hash, each ending in a newline; signed as a
/// <see cref="SignedNote"/>.
/// </summary>
public sealed record TreeHead(string Origin, long Size, byte[] RootHash)
{
    /// <summary>Extension lines after the root hash (the spec lets a log add its own; this gateway's checkpoint line is one).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>The tree head of the first <paramref name="size"/> audit entries whose root is <paramref name="rootHash"/>, with any extension lines.</summary>
    public static TreeHead Of(string origin, long size, byte[] rootHash, params IReadOnlyList<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        if (extensions.Any(line => line.Length == 0 || line.Any(c => c < ' ' || c == '\u007f')))
        {
            throw new ArgumentException("an extension line is one non-empty line of printable text", nameof(extensions));
        }

        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentNullException.ThrowIfNull(rootHash);
        if (origin.Any(c => c < ' ' || c == '\u007f'))
        {
            throw new ArgumentException("the origin is one line of printable text", nameof(origin));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"a root hash is {MerkleTree.HashSize} bytes", nameof(rootHash));
        }

        return new TreeHead(origin, size, rootHash) { Extensions = extensions };
    }

    /// <summary>The note text: origin, size, base64 root and any extension lines, each ending in a newline.</summary>
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{Size}\n{Convert.ToBase64String(RootHash)}\n")
        + string.Concat(Extensions.Select(line => line + "\n"));

    /// <summary>The tree head in a note's text, with any extension lines after the third; FormatException naming the line.</summary>
    public static TreeHead Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[^1].Length != 0)
        {
            throw new FormatException("a checkpoint is at least three lines (origin, tree size, root hash), each ending in a newline");
        }

        if (lines[0].Length == 0)
        {
            throw new FormatException("line 1: the origin is empty");
        }

        // Decimal without a sign or leading zeros, as the spec spells it.
        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || (lines[1].Length > 1 && lines[1][0] == '0'))
        {
            throw new FormatException($"line 2: '{lines[1]}' is not a tree size");
        }

        var root = new byte[MerkleTree.HashSize];
        if (!Convert.TryFromBase64String(lines[2], root, out var written) || written != MerkleTree.HashSize || Convert.ToBase64String(root) != lines[2])
        {
            throw new FormatException($"line 3: '{lines[2]}' is not the base64 of a {MerkleTree.HashSize}-byte hash");
        }

        for (var i = 3; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0)
            {
                throw new FormatException($"line {i + 1}: an extension line is empty");
            }
        }

        return new TreeHead(lines[0], size, root) { Extensions = lines[3..^1] };
    }

    /// <summary>Signed as a note by <paramref name="key"/>.</summary>
    public string Sign(NoteKey key) => SignedNote.Sign(Text, key);

    /// <summary>The tree head of a note signed by the named key for the expected log (<paramref name="origin"/>); null when that key's signature is missing or wrong, or the note is another log's.</summary>
    public static TreeHead? Verified(string note, string origin, string keyName, ReadOnlySpan<byte> publicKey) =>
        SignedNote.VerifiedText(note, keyName, publicKey) is { } text && Parse(text) is { } head && head.Origin == origin ? head : null;

    /// <summary>Equal when origin, size and root are.</summary>
    public bool Equals(TreeHead? other) =>
        other is not null && Origin == other.Origin && Size == other.Size && RootHash.AsSpan().SequenceEqual(other.RootHash);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Origin, Size, Convert.ToBase64String(RootHash));

    /// <inheritdoc/>
    public override string ToString() => Text.Replace('\n', ' ').TrimEnd();
}
