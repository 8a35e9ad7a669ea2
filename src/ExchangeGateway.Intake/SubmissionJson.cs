using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>The submission contract's JSON form of the domain records.</summary>
public static class SubmissionJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The submission as contract JSON (indented, fields in schema order, absent fields omitted).</summary>
    public static string Serialize(Submission submission) => JsonSerializer.Serialize(submission, Options);

    /// <summary>The submission from a schema-valid JSON element, or null when its shape does not fit the records.</summary>
    internal static Submission? TryDeserialize(JsonElement element)
    {
        // The domain's lists never hold null (the schema reports such an item), and the rules must not meet one.
        if (HasNullItem(element))
        {
            return null;
        }

        try
        {
            return element.Deserialize<Submission>(Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool HasNullItem(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Any(item => item.ValueKind == JsonValueKind.Null || HasNullItem(item)),
        JsonValueKind.Object => element.EnumerateObject().Any(property => HasNullItem(property.Value)),
        _ => false,
    };
}
