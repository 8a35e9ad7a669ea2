using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ExchangeGateway.Fuzz;

/// <summary>
/// A structure-aware edit: parses the input as JSON, changes the node at <see cref="Node"/> (document order, wrapping
/// around), and writes it back. Values are spliced in as text so that ones no tree can hold (1e999, lone surrogates,
/// duplicate keys) reach the target. An input that does not parse is left as it is.
/// </summary>
internal abstract record JsonEdit(uint Node) : Edit
{
    // A string no seed contains: the edited node is written as it, then its text replaced.
    private const string Marker = "__exg_fuzz_marker_5c1f__";
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1024 };

    public override byte[] Apply(byte[] input)
    {
        try
        {
            return ApplyToTree(input);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // An earlier edit broke the JSON, or left what the tree cannot hold (duplicate keys, a lone surrogate): nothing to aim at.
            return input;
        }
    }

    private byte[] ApplyToTree(byte[] input)
    {
        var nodes = new List<(JsonNode? Node, JsonNode? Parent, string? Key, int Index)>();
        var root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { MaxDepth = 512 });
        Collect(root, null, null, -1, nodes);

        var (node, parent, key, index) = nodes[(int)(Node % (uint)nodes.Count)];
        var original = node?.ToJsonString(Relaxed) ?? "null";
        var replacement = Replace(original, key);
        if (replacement is null)
        {
            return Remove(root, parent, key, index);
        }

        if (parent is null)
        {
            return Encoding.UTF8.GetBytes(replacement);
        }

        Set(parent, key, index, JsonValue.Create(Marker));
        var text = root!.ToJsonString(Relaxed);
        var spliced = key is not null && this is DuplicateField
            ? text.Replace($"\"{Marker}\"", $"{original},{JsonSerializer.Serialize(key, Relaxed)}:{original}", StringComparison.Ordinal)
            : text.Replace($"\"{Marker}\"", replacement, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(spliced);
    }

    /// <summary>The new text of the node (JSON), or null to remove it.</summary>
    protected abstract string? Replace(string original, string? key);

    private static void Collect(JsonNode? node, JsonNode? parent, string? key, int index, List<(JsonNode?, JsonNode?, string?, int)> nodes)
    {
        nodes.Add((node, parent, key, index));
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj.ToList())
                {
                    Collect(property.Value, obj, property.Key, -1, nodes);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i], array, null, i, nodes);
                }

                break;
        }
    }

    private static void Set(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (parent is JsonObject obj)
        {
            obj[key!] = value;
        }
        else
        {
            parent.AsArray()[index] = value;
        }
    }

    private static byte[] Remove(JsonNode? root, JsonNode? parent, string? key, int index)
    {
        switch (parent)
        {
            case null:
                return [];
            case JsonObject obj:
                obj.Remove(key!);
                break;
            default:
                parent.AsArray().RemoveAt(index);
                break;
        }

        return Encoding.UTF8.GetBytes(root!.ToJsonString(Relaxed));
    }
}

/// <summary>Replaces a value with a hostile one of any type.</summary>
internal sealed record ReplaceValue(uint Node, string Value) : JsonEdit(Node)
{
    protected override string? Replace(string original, string? key) => Value;
}

/// <summary>Drops a field or an array item.</summary>
internal sealed record DropField(uint Node) : JsonEdit(Node)
{
    protected override string? Replace(string original, string? key) => null;
}

/// <summary>Repeats a field with the same key (duplicate keys), or an array item.</summary>
internal sealed record DuplicateField(uint Node) : JsonEdit(Node)
{
    protected override string? Replace(string original, string? key) => key is null ? $"{original},{original}" : original;
}

/// <summary>Wraps a value in <see cref="Depth"/> arrays.</summary>
internal sealed record NestValue(uint Node, int Depth) : JsonEdit(Node)
{
    protected override string? Replace(string original, string? key) => new string('[', Depth) + original + new string(']', Depth);
}

/// <summary>Adds a field with an odd name to an object value (or turns another value into such an object).</summary>
internal sealed record AddField(uint Node, string Name, string Value) : JsonEdit(Node)
{
    protected override string? Replace(string original, string? key) =>
        original.StartsWith('{') && original.Length > 2
            ? $"{{{JsonSerializer.Serialize(Name)}:{Value},{original[1..]}"
            : $"{{{JsonSerializer.Serialize(Name)}:{Value}}}";
}

/// <summary>Applies an edit to one line of a JSON-lines input (wrapping around), keeping the others.</summary>
internal sealed record OnLine(uint Line, Edit Inner) : Edit
{
    public override byte[] Apply(byte[] input)
    {
        var lines = Lines.Split(input);
        var index = (int)(Line % (uint)lines.Count);
        lines[index] = Inner.Apply(lines[index]);
        return Lines.Join(lines);
    }
}

/// <summary>Drops, repeats or swaps whole lines of a JSON-lines input.</summary>
internal sealed record LineShuffle(uint Line, LineShuffle.Kind Change) : Edit
{
    public enum Kind
    {
        Drop,
        Repeat,
        SwapWithNext,
        MoveToEnd,
    }

    public override byte[] Apply(byte[] input)
    {
        var lines = Lines.Split(input);
        var index = (int)(Line % (uint)lines.Count);
        var line = lines[index];
        switch (Change)
        {
            case Kind.Drop:
                lines.RemoveAt(index);
                break;
            case Kind.Repeat:
                lines.Insert(index, line);
                break;
            case Kind.SwapWithNext when index + 1 < lines.Count:
                (lines[index], lines[index + 1]) = (lines[index + 1], line);
                break;
            case Kind.MoveToEnd:
                lines.RemoveAt(index);
                lines.Add(line);
                break;
        }

        return Lines.Join(lines);
    }
}

/// <summary>Splits and joins JSON lines on '\n' as bytes, so that invalid UTF-8 survives.</summary>
internal static class Lines
{
    public static List<byte[]> Split(byte[] input)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'\n')
            {
                lines.Add(input[start..i]);
                start = i + 1;
            }
        }

        lines.Add(input[start..]);
        return lines;
    }

    public static byte[] Join(List<byte[]> lines)
    {
        var output = new List<byte>(lines.Sum(l => l.Length + 1));
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                output.Add((byte)'\n');
            }

            output.AddRange(lines[i]);
        }

        return [.. output];
    }
}
