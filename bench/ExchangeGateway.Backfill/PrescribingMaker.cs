using System.Text.Json.Nodes;

namespace ExchangeGateway.Backfill;

/// <summary>The prescribing record of a generated submission: on OST (methadone or buprenorphine) or not, with the last dose where the rules ask for it.</summary>
public static class PrescribingMaker
{
    private static readonly string[] Prescribers = ["Dr A Patel", "Dr K Mensah", "Dr L Byrne", "Dr S Ali"];

    /// <summary>
    /// The record, or null for a person with none. On OST a transfer and a release always carry <c>lastDose</c>
    /// (the intake refuses them without it); a release often has a bridging prescription, and naloxone.
    /// </summary>
    public static JsonObject? Make(Random random, string type, DateTimeOffset occurredAt, bool onOst)
    {
        ArgumentNullException.ThrowIfNull(random);
        var started = SubmissionGenerator.Day(DateOnly.FromDateTime(occurredAt.UtcDateTime).AddDays(-20 - random.Next(300)));
        var releasing = type is "release" or "release-notice";
        if (!onOst)
        {
            if (random.Next(3) == 0)
            {
                return null;
            }

            var record = new JsonObject { ["onOst"] = false };
            if (random.Next(2) == 0)
            {
                // Not OST: a stopped methadone script, or diazepam.
                record["prescriptions"] = new JsonArray(random.Next(2) == 0
                    ? Prescription(random, "methadone-oral-solution-1mg-ml", 10 * (2 + random.Next(5)), "mg", started, "stopped")
                    : Prescription(random, "diazepam", 5 * (1 + random.Next(3)), "mg", started, "reducing"));
            }

            if (releasing && random.Next(2) == 0)
            {
                record["naloxone"] = Naloxone(random, occurredAt);
            }

            return record;
        }

        var methadone = random.Next(3) != 0;
        var medication = methadone ? "methadone-oral-solution-1mg-ml" : SubmissionGenerator.Pick(random, "buprenorphine-sublingual", "buprenorphine-naloxone-sublingual");
        var dose = methadone ? 10 * (2 + random.Next(11)) : 2 * (1 + random.Next(12));
        var ost = new JsonObject
        {
            ["onOst"] = true,
            ["prescriptions"] = new JsonArray(Prescription(random, medication, dose, "mg", started, random.Next(6) == 0 ? "reducing" : "active")),
        };
        if (type is "transfer" or "release" || random.Next(2) == 0)
        {
            ost["lastDose"] = new JsonObject
            {
                ["medication"] = medication,
                ["dose"] = Quantity(dose, "mg"),
                ["administeredAt"] = SubmissionGenerator.Stamp(occurredAt.AddMinutes(-30 - random.Next(600))),
                ["witnessed"] = true,
            };
        }

        if (releasing && random.Next(4) != 0)
        {
            ost["bridgingPrescription"] = new JsonObject { ["medication"] = medication, ["dose"] = Quantity(dose, "mg"), ["days"] = 1 + random.Next(7), ["pharmacy"] = $"F{(char)('A' + random.Next(26))}{random.Next(100, 999)}" };
        }

        if (releasing && random.Next(5) != 0)
        {
            ost["naloxone"] = Naloxone(random, occurredAt);
        }

        return ost;
    }

    private static JsonObject Prescription(Random random, string medication, int dose, string unit, string start, string status) => new()
    {
        ["medication"] = medication,
        ["dose"] = Quantity(dose, unit),
        ["frequency"] = "daily",
        ["supervised"] = random.Next(4) != 0,
        ["start"] = start,
        ["status"] = status,
        ["prescriber"] = new JsonObject { ["name"] = Prescribers[random.Next(Prescribers.Length)], ["role"] = "prison GP" },
    };

    private static JsonObject Quantity(int value, string unit) => new() { ["value"] = value, ["unit"] = unit };

    private static JsonObject Naloxone(Random random, DateTimeOffset occurredAt) => new()
    {
        ["issued"] = true,
        ["issuedOn"] = SubmissionGenerator.Day(DateOnly.FromDateTime(occurredAt.UtcDateTime).AddDays(-random.Next(3))),
        ["product"] = SubmissionGenerator.Pick(random, "intranasal", "intramuscular"),
        ["trainingGiven"] = random.Next(5) != 0,
    };
}
