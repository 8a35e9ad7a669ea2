using System.Globalization;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using Microsoft.AspNetCore.Http;

namespace ExchangeGateway.Inbox;

/// <summary>
/// The JSON the gateway's API takes, made from a submitted form: a business response (see ResponseReader) and a reply
/// submission (reception-reply, engagement). Empty fields are left out, so the gateway, not the inbox, names what is missing.
/// </summary>
internal static class ActionBodies
{
    /// <summary>The body of POST /api/v1/messages/{id}/response.</summary>
    public static JsonObject Response(IFormCollection form)
    {
        var body = new JsonObject();
        Put(body, "outcome", form["outcome"]);
        body["by"] = Practitioner(form["name"], form["role"], form["professionalId"]);
        Put(body, "reason", form["reason"]);
        Put(body, "note", form["note"]);
        return body;
    }

    /// <summary>A reply submission from this agency answering <paramref name="messageId"/> about <paramref name="person"/>.</summary>
    public static JsonObject Reply(IFormCollection form, string kind, string agency, string messageId, Client person, DateTimeOffset now)
    {
        var submission = new JsonObject
        {
            ["submissionId"] = Guid.TryParse(form["submissionId"], out var formId) ? formId.ToString() : Guid.NewGuid().ToString(),
            ["event"] = new JsonObject
            {
                ["type"] = kind,
                ["occurredAt"] = now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                ["from"] = agency,
                ["inReplyTo"] = messageId,
            },
            ["client"] = ClientOf(person),
        };
        if (kind == EventTypes.Engagement)
        {
            var engagement = new JsonObject();
            Put(engagement, "outcome", form["outcome"]);
            Put(engagement, "date", form["date"]);
            Put(engagement, "nextAppointment", WithOffset(form["nextAppointment"]));
            Put(engagement, "note", form["note"]);
            submission["engagement"] = engagement;
            return submission;
        }

        var prescribing = new JsonObject { ["onOst"] = form["onOst"] == "true" };
        if (!string.IsNullOrWhiteSpace(form["medication"]))
        {
            var prescription = new JsonObject { ["medication"] = form["medication"].ToString(), ["dose"] = Dose(form["doseValue"], form["doseUnit"]) };
            Put(prescription, "frequency", form["frequency"]);
            prescription["supervised"] = form["supervised"] == "true";
            Put(prescription, "start", form["start"]);
            prescription["prescriber"] = Practitioner(form["prescriberName"], form["prescriberRole"], form["prescriberId"]);
            prescribing["prescriptions"] = new JsonArray(prescription);
        }

        var community = new JsonObject();
        Put(community, "lastDispensedOn", form["lastDispensedOn"]);
        community["supervised"] = form["supervised"] == "true";
        Put(community, "dispensingSuspendedFrom", form["dispensingSuspendedFrom"]);
        Put(community, "pharmacy", form["pharmacy"]);
        if (!string.IsNullOrWhiteSpace(form["prescriberName"]))
        {
            community["prescriber"] = Practitioner(form["prescriberName"], form["prescriberRole"], form["prescriberId"]);
        }

        submission["prescribing"] = prescribing;
        submission["community"] = community;
        return submission;
    }

    // The same person keys as the message answered: the gateway refuses a reply about anyone else.
    private static JsonObject ClientOf(Client person)
    {
        var client = new JsonObject { ["surname"] = person.Surname, ["forenames"] = person.Forenames, ["dateOfBirth"] = person.DateOfBirth, ["sex"] = person.Sex };
        Put(client, "nhsNumber", person.NhsNumber);
        Put(client, "prisonNumber", person.PrisonNumber);
        return client;
    }

    private static JsonObject Practitioner(string? name, string? role, string? professionalId)
    {
        var by = new JsonObject();
        Put(by, "name", name);
        Put(by, "role", role);
        Put(by, "professionalId", professionalId);
        return by;
    }

    // A number the form could not read is sent as typed, so the gateway's answer names the field.
    private static JsonObject Dose(string? value, string? unit) => new()
    {
        ["value"] = decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(value ?? ""),
        ["unit"] = unit ?? "",
    };

    // A datetime-local field has no offset; the contract wants one, and the person at the form means this machine's local time.
    private static string? WithOffset(string? local)
    {
        if (string.IsNullOrWhiteSpace(local) || !DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return local;
        }

        return new DateTimeOffset(at, TimeZoneInfo.Local.GetUtcOffset(at)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static void Put(JsonObject target, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            target[name] = value.Trim();
        }
    }
}
