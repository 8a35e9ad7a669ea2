using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>A response body read: the response, or every error with the field it is about.</summary>
public sealed record ResponseRead(BusinessResponse? Response, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>True when the body is a response.</summary>
    public bool IsValid => Response is not null && Errors.Count == 0;
}

/// <summary>
/// Reads the JSON body of <c>POST /api/v1/messages/{id}/response</c> and writes its canonical form (the form stored and
/// compared, so the same answer sent twice is recognised whatever its spacing or key order).
/// </summary>
public static class ResponseReader
{
    /// <summary>The largest body read.</summary>
    public const int MaxBytes = 64 * 1024;

    private const int MaxDepth = 4;
    private const int MaxName = 200;
    private const int MaxText = 2000;
    private static readonly HashSet<string> Fields = ["outcome", "by", "reason", "note", "cannotContinue"];
    private static readonly HashSet<string> ByFields = ["name", "role", "professionalId"];
    private static readonly HashSet<string> CannotContinueFields = ["medication", "reason"];

    /// <summary>Reads a body; never throws on bad input.</summary>
    public static ResponseRead Read(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length > MaxBytes)
        {
            return Refused(new("$", $"the body is larger than {MaxBytes} bytes"));
        }

        // Syntax, depth, a key given twice and text that is not Unicode are refused here, naming where, so that nothing
        // after this can throw on what the parser lets through.
        if (StructureScan.Check(body, MaxDepth) is { Count: > 0 } structural)
        {
            return new ResponseRead(null, structural);
        }

        if (JsonNode.Parse(body) is not JsonObject obj)
        {
            return Refused(new("$", "the body must be a JSON object"));
        }

        var errors = new List<ValidationError>();
        Unknown(obj, Fields, "", errors);
        var outcomeText = Text(obj, "outcome", "outcome", MaxName, required: true, errors);
        var outcome = ResponseOutcomes.Parse(outcomeText);
        if (outcomeText is not null && outcome is null)
        {
            errors.Add(new("outcome", $"must be \"{ResponseOutcomes.Accepted}\" or \"{ResponseOutcomes.Rejected}\""));
        }

        Responder? by = null;
        if (obj["by"] is JsonObject byObject)
        {
            Unknown(byObject, ByFields, "by.", errors);
            var name = Text(byObject, "name", "by.name", MaxName, required: true, errors);
            var role = Text(byObject, "role", "by.role", MaxName, required: true, errors);
            var id = Text(byObject, "professionalId", "by.professionalId", MaxName, required: false, errors);
            by = name is null || role is null ? null : new Responder(name, role, id);
        }
        else
        {
            errors.Add(new("by", obj.ContainsKey("by") ? "must be an object: {\"name\", \"role\", \"professionalId\"?}" : "is required: who answered, {\"name\", \"role\", \"professionalId\"?}"));
        }

        var reason = Text(obj, "reason", "reason", MaxText, required: false, errors);
        var note = Text(obj, "note", "note", MaxText, required: false, errors);
        var cannotContinue = CannotContinueList(obj, errors);
        if (errors.Count > 0 || outcome is null || by is null)
        {
            return new ResponseRead(null, errors);
        }

        return new ResponseRead(new BusinessResponse(outcome.Value, by, reason, note, cannotContinue), []);
    }

    /// <summary>The canonical JSON of a response: fields in contract order, absent ones left out.</summary>
    public static JsonObject Canonical(BusinessResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var by = new JsonObject { ["name"] = response.By.Name, ["role"] = response.By.Role };
        if (response.By.ProfessionalId is not null)
        {
            by["professionalId"] = response.By.ProfessionalId;
        }

        var json = new JsonObject { ["outcome"] = ResponseOutcomes.Name(response.Outcome), ["by"] = by };
        if (response.Reason is not null)
        {
            json["reason"] = response.Reason;
        }

        if (response.Note is not null)
        {
            json["note"] = response.Note;
        }

        if (response.CannotContinue is { Count: > 0 } list)
        {
            json["cannotContinue"] = new JsonArray([.. list.Select(c => (JsonNode)new JsonObject { ["medication"] = c.Medication, ["reason"] = c.Reason })]);
        }

        return json;
    }

    private static List<CannotContinue>? CannotContinueList(JsonObject obj, List<ValidationError> errors)
    {
        if (!obj.TryGetPropertyValue("cannotContinue", out var node))
        {
            return null;
        }

        if (node is not JsonArray array || array.Count == 0)
        {
            errors.Add(new("cannotContinue", "must be a non-empty array of {\"medication\", \"reason\"}"));
            return null;
        }

        var list = new List<CannotContinue>();
        for (var i = 0; i < array.Count; i++)
        {
            var path = $"cannotContinue[{i}]";
            if (array[i] is not JsonObject item)
            {
                errors.Add(new(path, "must be an object {\"medication\", \"reason\"}"));
                continue;
            }

            Unknown(item, CannotContinueFields, path + ".", errors);
            var medication = Text(item, "medication", path + ".medication", MaxName, required: true, errors);
            var why = Text(item, "reason", path + ".reason", MaxText, required: true, errors);
            if (medication is not null && why is not null)
            {
                list.Add(new CannotContinue(medication, why));
            }
        }

        return list;
    }

    private static string? Text(JsonObject obj, string key, string path, int max, bool required, List<ValidationError> errors)
    {
        if (!obj.TryGetPropertyValue(key, out var node) || node is null)
        {
            if (required)
            {
                errors.Add(new(path, "is required"));
            }

            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new(path, "must be a string"));
            return null;
        }

        var text = node.GetValue<string>().Trim();
        if (text.Length == 0)
        {
            errors.Add(new(path, "must not be empty"));
            return null;
        }

        if (text.Length > max)
        {
            errors.Add(new(path, $"is longer than {max} characters"));
            return null;
        }

        // Line breaks are allowed in a reason or note; other control characters would garble the narrative.
        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add(new(path, "must not contain control characters other than line breaks"));
            return null;
        }

        return text;
    }

    private static void Unknown(JsonObject obj, HashSet<string> known, string prefix, List<ValidationError> errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!known.Contains(key))
            {
                errors.Add(new(prefix + key, "is not a field of a response"));
            }
        }
    }

    private static ResponseRead Refused(ValidationError error) => new(null, [error]);
}
