using System.Globalization;
using System.Text.Json.Nodes;

namespace ExchangeGateway.Backfill;

/// <summary>The deliberately invalid share of a backfill, so that its summary has refusals, each for its own reason.</summary>
public static class InvalidSubmissions
{
    /// <summary>What an invalid submission gets wrong: a wrong NHS check digit, an OST transfer without the last dose, an agency the directory lacks.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["nhs-check-digit", "ost-without-last-dose", "unknown-recipient"];

    /// <summary>Makes a valid submission invalid in the way <paramref name="kind"/> names.</summary>
    public static void Break(JsonObject json, string kind, MadePerson person)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(person);
        var dir = json["dir"]!.AsObject();
        switch (kind)
        {
            case "nhs-check-digit":
                var good = person.NhsNumber[9] - '0';
                dir["client"]!["nhsNumber"] = person.NhsNumber[..9] + ((good + 1) % 10).ToString(CultureInfo.InvariantCulture);
                break;
            case "ost-without-last-dose":
                // A transfer of a person on OST must give the last dose; this one does not.
                var from = json["event"]!["from"]!.GetValue<string>();
                json["event"] = new JsonObject { ["type"] = "transfer", ["occurredAt"] = json["event"]!["occurredAt"]!.GetValue<string>(), ["from"] = from, ["to"] = from == "HLI" ? "BMI" : "HLI" };
                dir.Remove("releasePlan");
                json["prescribing"] = new JsonObject { ["onOst"] = true };
                break;
            default:
                // An agency the directory does not hold, in the field that routes this event type.
                if (json["event"]!["type"]!.GetValue<string>() == "transfer")
                {
                    json["event"]!["to"] = "ZZI";
                    break;
                }

                var plan = dir["releasePlan"] as JsonObject ?? [];
                plan["cjitArea"] = "CJIT-ATLANTIS";
                dir["releasePlan"] = plan;
                break;
        }
    }
}
