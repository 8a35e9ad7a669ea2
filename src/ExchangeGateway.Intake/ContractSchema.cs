using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>
/// The submission contract's JSON Schema, interpreted. Only the keywords the contract uses are supported; a schema
/// that uses any other keyword is refused at load, so no rule is ever silently ignored.
/// </summary>
internal sealed partial class ContractSchema
{
    /// <summary>The reason given for a missing required field.</summary>
    public const string Required = "is required";

    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "$defs"];

    private static readonly HashSet<string> Supported =
    [
        "type", "properties", "required", "additionalProperties", "items", "enum", "pattern", "minLength", "maxLength",
        "minimum", "maximum", "exclusiveMinimum", "maxItems", "uniqueItems", "format", "$ref", "allOf", "if", "then",
    ];

    // \z, not $: .NET's $ also matches before a final newline. [0-9], not \d: .NET's \d takes any script's digits.
    private static readonly Regex DateTimeWithOffset = new(
        @"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private readonly JsonElement root;
    // One schema serves every request thread at once: the compiled patterns are shared, so the cache must take concurrent adds.
    private readonly ConcurrentDictionary<string, Regex> patterns = new(StringComparer.Ordinal);

    private ContractSchema(JsonElement root)
    {
        this.root = root;
        CheckKeywords(root, "#");
    }

    public static ContractSchema LoadEmbedded()
    {
        using var stream = typeof(ContractSchema).Assembly.GetManifestResourceStream("submission.schema.json")
            ?? throw new InvalidOperationException("the embedded submission schema is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>A schema from its text: the interpreter's own tests pin each keyword with a schema of one or two.</summary>
    internal static ContractSchema Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new ContractSchema(document.RootElement.Clone());
    }

    public void Validate(JsonElement instance, List<ValidationError> errors) => Check(root, instance, "$", errors, null);

    private static string Child(string path, string name) => path == "$" ? name : $"{path}.{name}";

    // when: the condition under which this schema applies ("when event.type is ..."), said in its errors; null outside a condition.
    private void Check(JsonElement schema, JsonElement value, string path, List<ValidationError> errors, string? when)
    {
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add(new(path, when is null ? "is not allowed here" : $"must not be given {when}"));
            return;
        }

        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = Resolve(reference.GetString()!);
        }

        if (schema.TryGetProperty("type", out var type) && !HasType(value, type.GetString()!))
        {
            errors.Add(new(path, $"must be {Article(type.GetString()!)}, not {Describe(value)}"));
            return;
        }

        if (schema.TryGetProperty("enum", out var allowed)
            && !allowed.EnumerateArray().Any(a => JsonElement.DeepEquals(a, value)))
        {
            var list = string.Join(", ", allowed.EnumerateArray().Select(a => a.GetRawText()));
            errors.Add(new(path, $"{value.GetRawText()} is not one of the allowed values: {list}"));
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors, when);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, path, errors);
                break;
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, path, errors);
                break;
            case JsonValueKind.Number:
                // A condition's probe reaches numbers no "type" has screened: one too large for decimal is an error, not a crash.
                if (value.TryGetDecimal(out var number))
                {
                    CheckNumber(schema, number, path, errors);
                }
                else
                {
                    errors.Add(new(path, "is a number out of range"));
                }
                break;
            default:
                break;
        }

        CheckConditions(schema, value, path, errors);
    }

    private void CheckObject(JsonElement schema, JsonElement value, string path, List<ValidationError> errors, string? when)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add(new(Child(path, name), when is null ? Required : $"{Required} {when}"));
                }
            }
        }

        var closed = schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False;
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, Child(path, property.Name), errors, when);
            }
            else if (closed)
            {
                errors.Add(new(Child(path, property.Name), "is not a field of the submission contract"));
            }
        }
    }

    private void CheckArray(JsonElement schema, JsonElement value, string path, List<ValidationError> errors)
    {
        var count = value.GetArrayLength();
        if (schema.TryGetProperty("maxItems", out var maxItems) && count > maxItems.GetInt32())
        {
            errors.Add(new(path, $"has {count} items; at most {maxItems.GetInt32()} are allowed"));
        }

        var items = value.EnumerateArray().ToList();
        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.GetBoolean())
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items.Take(i).Any(earlier => JsonElement.DeepEquals(earlier, items[i])))
                {
                    errors.Add(new($"{path}[{i}]", $"{items[i].GetRawText()} is listed more than once"));
                }
            }
        }

        if (schema.TryGetProperty("items", out var itemSchema))
        {
            for (var i = 0; i < items.Count; i++)
            {
                Check(itemSchema, items[i], $"{path}[{i}]", errors, null);
            }
        }
    }

    private void CheckString(JsonElement schema, string text, string path, List<ValidationError> errors)
    {
        if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
        {
            errors.Add(new(path, minLength.GetInt32() == 1 ? "must not be empty" : $"must be at least {minLength.GetInt32()} characters"));
        }

        if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
        {
            errors.Add(new(path, $"is {text.Length} characters; at most {maxLength.GetInt32()} are allowed"));
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Pattern(pattern.GetString()!).IsMatch(text))
        {
            errors.Add(new(path, $"\"{Truncate(text)}\" does not have the expected form ({pattern.GetString()})"));
        }

        if (schema.TryGetProperty("format", out var format))
        {
            var reason = format.GetString() switch
            {
                "date" => IsDate(text) ? null : "must be a calendar date, yyyy-mm-dd",
                "date-time" => IsDateTimeWithOffset(text) ? null : "must be a date-time with seconds and an offset, e.g. 2026-03-13T09:30:00+00:00",
                "uuid" => text.Length == 36 && Guid.TryParseExact(text, "D", out _) ? null : "must be a UUID, e.g. 6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81",
                var other => throw new InvalidOperationException($"the schema uses format '{other}', which the intake does not check"),
            };
            if (reason is not null)
            {
                errors.Add(new(path, $"\"{Truncate(text)}\" {reason}"));
            }
        }
    }

    private static void CheckNumber(JsonElement schema, decimal number, string path, List<ValidationError> errors)
    {
        if (schema.TryGetProperty("minimum", out var minimum) && number < minimum.GetDecimal())
        {
            errors.Add(new(path, $"{number} is below the minimum {minimum.GetDecimal()}"));
        }

        if (schema.TryGetProperty("maximum", out var maximum) && number > maximum.GetDecimal())
        {
            errors.Add(new(path, $"{number} is above the maximum {maximum.GetDecimal()}"));
        }

        if (schema.TryGetProperty("exclusiveMinimum", out var exclusive) && number <= exclusive.GetDecimal())
        {
            errors.Add(new(path, $"{number} must be greater than {exclusive.GetDecimal()}"));
        }
    }

    private static bool IsDate(string text) =>
        text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsDateTimeWithOffset(string text) =>
        DateTimeWithOffset.IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
        && IsDate(text[..10]);

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        _ => throw new InvalidOperationException($"the schema uses type '{type}', which the intake does not check"),
    };

    private static string Article(string type) => type switch
    {
        "object" => "an object",
        "array" => "an array",
        "integer" => "a whole number",
        "boolean" => "true or false",
        _ => $"a {type}",
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };

    private JsonElement Resolve(string reference)
    {
        const string prefix = "#/$defs/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the schema reference '{reference}' is not a local definition");
        }

        return root.GetProperty("$defs").GetProperty(reference[prefix.Length..]);
    }

    private Regex Pattern(string pattern) =>
        patterns.GetOrAdd(pattern, p => new Regex(EcmaPattern.ToDotNet(p), RegexOptions.ECMAScript, TimeSpan.FromSeconds(1)));

    private static void CheckKeywords(JsonElement schema, string where)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Supported.Contains(keyword.Name) && !Annotations.Contains(keyword.Name))
            {
                throw new InvalidOperationException($"the schema uses '{keyword.Name}' at {where}, which the intake does not check");
            }

            if (keyword.Name is "properties" or "$defs")
            {
                foreach (var child in keyword.Value.EnumerateObject())
                {
                    CheckKeywords(child.Value, $"{where}/{keyword.Name}/{child.Name}");
                }
            }
            else if (keyword.Name is "items" or "if" or "then")
            {
                CheckKeywords(keyword.Value, $"{where}/{keyword.Name}");
            }
            else if (keyword.Name == "allOf")
            {
                var i = 0;
                foreach (var part in keyword.Value.EnumerateArray())
                {
                    CheckKeywords(part, $"{where}/allOf/{i++}");
                }
            }
        }
    }
}
