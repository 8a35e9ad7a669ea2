using System.Text;
using System.Text.Json.Nodes;

namespace ExchangeGateway.TestData;

/// <summary>The example submissions from the spec, and bad variants made from them.</summary>
public static class Examples
{
    public const string ReleaseOst = "release-ost.json";
    public const string Transfer = "transfer.json";
    public const string ReceptionReply = "reception-reply.json";
    public const string Engagement = "engagement.json";

    /// <summary>Every example of a prison's event (with a DIR): what the gateway routes, renders and cuts down per recipient.</summary>
    public static IReadOnlyList<string> All { get; } = [ReleaseOst, Transfer];

    /// <summary>Every example of a community agency's reply (no DIR): mapped, validated and unmapped, not yet routed.</summary>
    public static IReadOnlyList<string> Replies { get; } = [ReceptionReply, Engagement];

    /// <summary>The path of an example in the test output folder.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    /// <summary>The example's text.</summary>
    public static string Text(string name) => File.ReadAllText(PathOf(name));

    /// <summary>The example as a mutable JSON tree.</summary>
    public static JsonObject Json(string name) => JsonNode.Parse(Text(name))!.AsObject();

    /// <summary>The example changed by <paramref name="change"/>, as UTF-8 bytes.</summary>
    public static byte[] Variant(string name, Action<JsonObject> change)
    {
        var json = Json(name);
        change(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    // The contract's fields that hold a name, an identifier, an address or free text about a person.
    private static readonly HashSet<string> PersonalFields =
        ["surname", "forenames", "dateOfBirth", "nhsNumber", "prisonNumber", "pncId", "lines", "postcode", "name", "professionalId", "keyworkerNotes", "note"];

    /// <summary>
    /// Every name, identifier, date of birth, address line, postcode and free-text note in the examples (and each forename
    /// of four letters or more on its own): none of them may ever appear in a log.
    /// </summary>
    public static IReadOnlyList<string> PersonalValues { get; } = [.. All.Concat(Replies).SelectMany(name => PersonalIn(Json(name), null)).Distinct(StringComparer.Ordinal)];

    private static IEnumerable<string> PersonalIn(JsonNode? node, string? field)
    {
        switch (node)
        {
            case JsonObject obj:
                return obj.SelectMany(p => PersonalIn(p.Value, p.Key));
            case JsonArray array:
                return array.SelectMany(item => PersonalIn(item, field));
            case JsonValue value when field is not null && PersonalFields.Contains(field) && value.TryGetValue<string>(out var text):
                return field == "forenames" ? text.Split(' ').Where(w => w.Length >= 4).Prepend(text) : [text];
            default:
                return [];
        }
    }

    /// <summary>A full submission touching every field of the contract, for round-trip tests.</summary>
    public static JsonObject Everything()
    {
        var json = Json(ReleaseOst);
        var dir = json["dir"]!.AsObject();
        dir["client"]!["needsInterpreter"] = true;
        dir["client"]!["language"] = "Polish";
        dir["client"]!["nhsNumberStatus"] = "01";
        dir["custody"]!["status"] = "recall";
        dir["substances"]!.AsArray().Add(new JsonObject { ["rank"] = 3, ["substance"] = "benzodiazepine", ["route"] = "oral", ["frequency"] = "less-than-weekly", ["ageFirstUsed"] = 30 });
        dir["consent"]!["withdrawnAt"] = "2026-03-12T16:45:30.250+01:00";
        dir["consent"]!["override"] = new JsonObject
        {
            ["legalBasis"] = "vital-interests",
            ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Jones", ["role"] = "Caldicott guardian", ["professionalId"] = "GMC 1234567" },
            ["justification"] = "Immediate overdose risk on release with reduced tolerance.",
        };
        var prescribing = json["prescribing"]!.AsObject();
        prescribing["prescriptions"]!.AsArray().Add(new JsonObject
        {
            ["medication"] = "other", ["medicationText"] = "Pregabalin 75mg capsules", ["dose"] = new JsonObject { ["value"] = 75.5, ["unit"] = "microgram" },
            ["frequency"] = "twice-daily", ["supervised"] = false, ["start"] = "2025-12-01", ["end"] = "2026-03-01", ["status"] = "stopped",
            ["prescriber"] = new JsonObject { ["name"] = "Dr K Mensah" },
        });
        prescribing["prescriptions"]!.AsArray().Add(new JsonObject
        {
            ["medication"] = "diazepam", ["dose"] = new JsonObject { ["value"] = 5, ["unit"] = "ml" },
            ["frequency"] = "as-directed", ["start"] = "2026-01-01", ["status"] = "reducing", ["prescriber"] = new JsonObject { ["name"] = "Dr A Patel", ["role"] = "prison GP", ["professionalId"] = "GMC 7012345" },
        });
        prescribing["lastDose"]!["administeredAt"] = "2026-03-13T08:05:00Z";
        dir["releasePlan"]!["firstAppointment"] = "2026-03-13T14:00:00.250Z";
        return json;
    }
}
