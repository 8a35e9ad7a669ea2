using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>schedule list: the gateway's release reminders and overdue checks, read from its database.</summary>
public static class ScheduleCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Schedule(output, error);
    }

    private static Command Schedule(TextWriter output, TextWriter error)
    {
        var data = StoreOptions.Data();
        var database = StoreOptions.Database();
        var json = new Option<bool>("--json") { Description = "Print the entries as JSON." };
        var overdue = new Option<bool>("--overdue") { Description = "Only releases with no release recorded by noon on the planned day." };
        var list = new Command("list", "Reminders and overdue checks by due time: dueAt, kind, status, recipients and the person's pseudonymous key.") { data, database, json, overdue };
        list.SetAction(parse => StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
        {
            var entries = store.Snapshot(tx => tx.Schedule.List(parse.GetValue(overdue)));
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonObject { ["entries"] = new JsonArray([.. entries.Select(Json)]) }.ToJsonString(Indented));
                return ExitCodes.Ok;
            }

            foreach (var entry in entries)
            {
                output.WriteLine(
                    $"{StoredTime.Format(entry.DueAt)}  {entry.Kind,-15}  {entry.Status,-9} release {Date(entry.ReleaseDate)}  to {string.Join(",", entry.Recipients)}  person {PersonKey(entry)}{(entry.Detail is null ? "" : "  (" + entry.Detail + ")")}");
            }

            output.WriteLine($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}");
            return ExitCodes.Ok;
        }));

        return new Command("schedule", "Look at the gateway's release schedule: reminders two days before and on the day, and overdue releases.") { list };
    }

    private static JsonObject Json(ScheduleEntry entry)
    {
        var item = new JsonObject
        {
            ["entryId"] = entry.EntryId,
            ["dueAt"] = StoredTime.Format(entry.DueAt),
            ["kind"] = entry.Kind,
            ["status"] = entry.Status,
            ["releaseDate"] = Date(entry.ReleaseDate),
            ["submissionId"] = entry.SubmissionId,
            ["recipients"] = new JsonArray([.. entry.Recipients.Select(r => (JsonNode?)r)]),
            ["personKey"] = PersonKey(entry),
            ["personKeys"] = new JsonArray([.. entry.PersonKeys.Select(k => (JsonNode?)k)]),
            ["updatedAt"] = StoredTime.Format(entry.UpdatedAt),
        };
        if (entry.Detail is not null)
        {
            item["detail"] = entry.Detail;
        }

        return item;
    }

    // The gateway lists the NHS-number key first when there is one.
    private static string PersonKey(ScheduleEntry entry) => entry.PersonKeys.Count > 0 ? entry.PersonKeys[0] : "-";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
