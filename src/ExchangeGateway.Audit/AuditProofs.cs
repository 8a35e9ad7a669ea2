using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ExchangeGateway.Audit;

/// <summary>The Merkle tree's view of the audit trail: which bytes an entry's leaf covers.</summary>
public static class AuditTree
{
    /// <summary>
    /// The leaf of an entry: SHA-256(0x00 ‖ the UTF-8 of its canonical form), the same canonical form whose plain
    /// SHA-256 is the entry's chain hash (<see cref="AuditChain.CanonicalForm"/>).
    /// </summary>
    public static byte[] Leaf(AuditEntry entry) => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(AuditChain.CanonicalForm(entry)));

    /// <summary>The seq and leaf of an entry given as its jsonl export line (of its content: the line's hash is not needed); FormatException when it is not one.</summary>
    public static (long Seq, byte[] Leaf) LeafOfExportLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var read = AuditJsonl.Read(new StringReader(line.Trim())).ToList();
        if (read is not [{ Entry: { Entry: { } entry } }])
        {
            var problem = read.Count == 1 ? read[0].Entry?.Problem ?? read[0].Problem : null;
            throw new FormatException(problem is null ? "not one audit entry (a line of exg audit export)" : $"not an audit entry: {problem}");
        }

        // The leaf covers the content; a changed entry gives another leaf, which the proof then refuses.
        return (entry.Seq, Leaf(entry));
    }
}

/// <summary>An inclusion proof as <c>exg audit prove</c> prints it: <c>{"leafIndex","treeSize","leafHash","hashes"}</c>, hashes in base64.</summary>
public sealed record InclusionProof(long LeafIndex, long TreeSize, byte[] LeafHash, IReadOnlyList<byte[]> Hashes)
{
    /// <summary>The proof as JSON.</summary>
    public string ToJson() => ProofJson.Write(w =>
    {
        w.WriteNumber("leafIndex", LeafIndex);
        w.WriteNumber("treeSize", TreeSize);
        w.WriteString("leafHash", Convert.ToBase64String(LeafHash));
        ProofJson.WriteHashes(w, Hashes);
    });

    /// <summary>A proof from JSON; FormatException naming the field that is missing or wrong.</summary>
    public static InclusionProof Parse(string json) => ProofJson.Read(json, root => new InclusionProof(
        ProofJson.Count(root, "leafIndex"), ProofJson.Count(root, "treeSize"), ProofJson.Hash(root, "leafHash"), ProofJson.Hashes(root)));

    /// <summary>True when the proof puts its leaf in the tree <paramref name="head"/> signs (same size, same root).</summary>
    public bool ProvesIn(TreeHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Size == TreeSize && MerkleTree.VerifyInclusion(LeafIndex, TreeSize, LeafHash, Hashes, head.RootHash);
    }
}

/// <summary>A consistency proof as <c>exg audit consistency</c> prints it: <c>{"from","to","hashes"}</c>, hashes in base64.</summary>
public sealed record ConsistencyProof(long From, long To, IReadOnlyList<byte[]> Hashes)
{
    /// <summary>The proof as JSON.</summary>
    public string ToJson() => ProofJson.Write(w =>
    {
        w.WriteNumber("from", From);
        w.WriteNumber("to", To);
        ProofJson.WriteHashes(w, Hashes);
    });

    /// <summary>A proof from JSON; FormatException naming the field that is missing or wrong.</summary>
    public static ConsistencyProof Parse(string json) => ProofJson.Read(json, root => new ConsistencyProof(
        ProofJson.Count(root, "from"), ProofJson.Count(root, "to"), ProofJson.Hashes(root)));

    /// <summary>True when the proof shows the tree of <paramref name="newer"/> extends the tree of <paramref name="older"/>.</summary>
    public bool Proves(TreeHead older, TreeHead newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        return older.Size == From && newer.Size == To && older.Origin == newer.Origin
            && MerkleTree.VerifyConsistency(From, To, older.RootHash, newer.RootHash, Hashes);
    }
}

/// <summary>The JSON both proofs share: writing, and reading with errors that name the field.</summary>
internal static class ProofJson
{
    public static string Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteHashes(Utf8JsonWriter writer, IReadOnlyList<byte[]> hashes)
    {
        writer.WriteStartArray("hashes");
        foreach (var hash in hashes)
        {
            writer.WriteStringValue(Convert.ToBase64String(hash));
        }

        writer.WriteEndArray();
    }

    public static T Read<T>(string json, Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : throw new FormatException("a proof is a JSON object");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }
    }

    public static long Count(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) && count >= 0
            ? count
            : throw new FormatException($"{name}: a whole number, 0 or more, is required");

    public static byte[] Hash(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? HashOf(value, name) : throw new FormatException($"{name}: required");

    public static List<byte[]> Hashes(JsonElement root) =>
        root.TryGetProperty("hashes", out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select((h, i) => HashOf(h, $"hashes[{i}]"))]
            : throw new FormatException("hashes: an array of base64 hashes is required");

    private static byte[] HashOf(JsonElement value, string name)
    {
        var hash = new byte[MerkleTree.HashSize];
        return value.ValueKind == JsonValueKind.String && Convert.TryFromBase64String(value.GetString()!, hash, out var written) && written == MerkleTree.HashSize
            ? hash
            : throw new FormatException($"{name}: the base64 of a {MerkleTree.HashSize}-byte SHA-256 hash is required");
    }
}
