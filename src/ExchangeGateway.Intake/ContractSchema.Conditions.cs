using System.Globalization;
using System.Text.Json;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>The contract schema's conditional rules: <c>allOf</c> of <c>if</c>/<c>then</c>, e.g. which fields each event type carries.</summary>
internal sealed partial class ContractSchema
{
    // Only "if"/"then" (no "else"): each condition names the values it is about, so an error can say which value it applies to.
    private void CheckConditions(JsonElement schema, JsonElement value, string path, List<ValidationError> errors)
    {
        if (!schema.TryGetProperty("allOf", out var parts))
        {
            return;
        }

        foreach (var part in parts.EnumerateArray())
        {
            if (!part.TryGetProperty("if", out var condition))
            {
                Check(part, value, path, errors, null);
                continue;
            }

            var probe = new List<ValidationError>();
            Check(condition, value, path, probe, null);
            if (probe.Count == 0 && part.TryGetProperty("then", out var consequence))
            {
                Check(consequence, value, path, errors, When(condition, value, path));
            }
        }
    }

    // "when event.type is "engagement"": the path down the condition's single-property chain to its enum, with the
    // instance's value there (the condition held, so the value exists).
    private static string? When(JsonElement condition, JsonElement value, string path)
    {
        var schema = condition;
        var instance = value;
        var at = path;
        while (schema.TryGetProperty("properties", out var properties))
        {
            var children = properties.EnumerateObject().ToList();
            if (children.Count != 1 || instance.ValueKind != JsonValueKind.Object || !instance.TryGetProperty(children[0].Name, out var child))
            {
                return null;
            }

            schema = children[0].Value;
            instance = child;
            at = Child(at, children[0].Name);
        }

        return schema.TryGetProperty("enum", out _) ? $"when {at} is {instance.GetRawText()}" : null;
    }

    // The sender's value as shown in an error: at most 60 characters, with anything invisible written as \uXXXX so a
    // newline or a direction override in the value cannot reshape the message.
    private static string Truncate(string text)
    {
        var shown = text.Length <= 60 ? text : text[..60];
        var builder = new System.Text.StringBuilder(shown.Length + 8);
        foreach (var c in shown)
        {
            if (char.IsControl(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return text.Length <= 60 ? builder.ToString() : builder.Append('…').ToString();
    }
}
