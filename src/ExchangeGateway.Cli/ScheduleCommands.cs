using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>schedule list: the gateway's release reminders, overdue checks and escalations, read from its database.</summary>
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
        var list = new Command("list", "Reminders, overdue checks and escalations by due time: dueAt, kind, status, recipients and the person's pseudonymous key.") { data, database, json, overdue };
        list.SetAction(parse => StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
        {
            var onlyOverdue = parse.GetValue(overdue);
            var (releases, escalations) = store.Snapshot(tx => (tx.Schedule.List(onlyOverdue), onlyOverdue ? [] : tx.Escalations.List()));
            var entries = releases.Select(e => (e.DueAt, e.EntryId, Json: Json(e), Line: Line(e)))
                .Concat(escalations.Select(e => (e.DueAt, e.EntryId, Json: Json(e), Line: Line(e))))
                .OrderBy(e => e.DueAt).ThenBy(e => e.EntryId, StringComparer.Ordinal).ToList();
            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonObject { ["entries"] = new JsonArray([.. entries.Select(e => (JsonNode)e.Json)]) }.ToJsonString(Indented));
                return ExitCodes.Ok;
            }

            foreach (var entry in entries)
            {
                output.WriteLine(entry.Line);
            }

            output.WriteLine($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}");
            return ExitCodes.Ok;
        }));

        return new Command("schedule", "Look at the gateway's schedule: release reminders, overdue releases, and the escalations raised when nobody answers.") { list };
    }

    private static string Line(ScheduleEntry entry) =>
        $"{StoredTime.Format(entry.DueAt)}  {entry.Kind,-23}  {entry.Status,-9} release {Date(entry.ReleaseDate)}  to {string.Join(",", entry.Recipients)}  person {PersonKey(entry.PersonKeys)}{(entry.Detail is null ? "" : "  (" + entry.Detail + ")")}";

    private static string Line(EscalationEntry entry) =>
        $"{StoredTime.Format(entry.DueAt)}  {entry.Kind,-23}  {entry.Status,-9} {(entry.WatchRecipient is null ? "" : "waiting on " + entry.WatchRecipient + "  ")}submission {entry.SubmissionId}  to {string.Join(",", entry.Recipients)}  person {PersonKey(entry.PersonKeys)}{(entry.Detail is null ? "" : "  (" + entry.Detail + ")")}";

    private static JsonObject Json(EscalationEntry entry)
    {
        var item = new JsonObject
        {
            ["entryId"] = entry.EntryId,
            ["dueAt"] = StoredTime.Format(entry.DueAt),
            ["kind"] = entry.Kind,
            ["status"] = entry.Status,
            ["submissionId"] = entry.SubmissionId,
            ["recipients"] = new JsonArray([.. entry.Recipients.Select(r => (JsonNode?)r)]),
            ["personKey"] = PersonKey(entry.PersonKeys),
            ["personKeys"] = new JsonArray([.. entry.PersonKeys.Select(k => (JsonNode?)k)]),
            ["updatedAt"] = StoredTime.Format(entry.UpdatedAt),
        };
        if (entry.WatchRecipient is not null)
        {
            item["waitingOn"] = entry.WatchRecipient;
        }

        if (entry.Detail is not null)
        {
            item["detail"] = entry.Detail;
        }

        return item;
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
            ["personKey"] = PersonKey(entry.PersonKeys),
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
    private static string PersonKey(IReadOnlyList<string> personKeys) => personKeys.Count > 0 ? personKeys[0] : "-";

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
