using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>One streaming pass over the raw body: syntax, nesting depth and duplicate keys, stopping at the first problem.</summary>
public static partial class StructureScan
{
    /// <summary>The first structural problem of <paramref name="body"/> (bad syntax or text, too deep, a key twice), naming where; empty when there is none.</summary>
    public static IReadOnlyList<ValidationError> Check(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth + 1, CommentHandling = JsonCommentHandling.Disallow });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (reader.CurrentDepth >= maxDepth)
                        {
                            // Name the field that holds the deep structure, not a path of dozens of indices.
                            var field = TrailingIndices().Replace(PathOf(frames), string.Empty);
                            return [new ValidationError(field.Length == 0 ? "$" : field, $"nesting is deeper than {maxDepth} levels")];
                        }

                        frames.Push(new Frame(reader.TokenType == JsonTokenType.StartObject));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        AdvanceArrayIndex(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        if (!IsText(ref reader))
                        {
                            frame.Current = null;
                            return [new ValidationError(PathOf(frames), "a key in this object is not valid Unicode text (invalid UTF-8 or a lone surrogate)")];
                        }

                        var name = reader.GetString()!;
                        if (!frame.Keys!.Add(name))
                        {
                            frame.Current = name;
                            return [new ValidationError(PathOf(frames), "this key appears more than once in its object")];
                        }

                        frame.Current = name;
                        break;
                    case JsonTokenType.String when !IsText(ref reader):
                        return [new ValidationError(PathOf(frames), "is not valid Unicode text (invalid UTF-8 or a lone surrogate)")];
                    default:
                        AdvanceArrayIndex(frames);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            // Depth is checked above before the reader's own limit (one deeper) is reached, so this is syntax.
            return [new ValidationError(PathOf(frames), $"the body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})")];
        }

        return [];
    }

    // Every string is checked here, once, so no later GetString() on the parsed document can throw on bad text.
    private static bool IsText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan);
        }

        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void AdvanceArrayIndex(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var parent) && !parent.IsObject)
        {
            parent.Index++;
        }
    }

    private static string PathOf(Stack<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames.Reverse())
        {
            if (frame.IsObject && frame.Current is not null)
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(frame.Current);
            }
            else if (!frame.IsObject)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
        }

        return path.Length == 0 ? "$" : path.ToString();
    }

    [GeneratedRegex(@"(\[\d+\])+$")]
    private static partial Regex TrailingIndices();

    private sealed class Frame(bool isObject)
    {
        public bool IsObject { get; } = isObject;

        public HashSet<string>? Keys { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;

        public string? Current { get; set; }

        public int Index { get; set; }
    }
}
