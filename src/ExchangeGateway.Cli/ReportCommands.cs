using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Rendering;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>report continuity: continuity-of-care figures per releasing prison, CJIT area and month, read from the gateway's database.</summary>
public static class ReportCommands
{
    // Relaxed escaping so a suppressed count reads "<5" in the file, not "\u003C5": the JSON is a file, never inlined in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Release days are the services' days: the gateway's default zone.
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Report(output, error);
    }

    private static Command Report(TextWriter output, TextWriter error)
    {
        var data = StoreOptions.Data();
        var database = StoreOptions.Database();
        var from = new Option<string?>("--from") { Description = "The first release date counted (yyyy-mm-dd)." };
        var to = new Option<string?>("--to") { Description = "The last release date counted (yyyy-mm-dd)." };
        var format = new Option<string>("--format") { Description = "json (the default), csv or html.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("json", "csv", "html");
        var outFile = new Option<string?>("--out") { Description = "Write the report to this file instead of standard output." };
        var continuity = new Command("continuity",
            "Per releasing prison, CJIT area and month of release: releases, notice lead time, delivery and GP acceptance before release, bridging, naloxone, first appointments, engagement within 21 days, overdue releases. Counts of 1 to 4 are \"<5\"; no identifiers.")
            { data, database, from, to, format, outFile };
        continuity.SetAction(parse =>
        {
            var first = Date(parse.GetValue(from), "--from");
            var last = Date(parse.GetValue(to), "--to");
            if (first > last)
            {
                throw new UsageException("--from is after --to");
            }

            return StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
            {
                var inputs = store.Snapshot(tx => new ContinuityInputs(
                    tx.ReleaseFacts.List(),
                    tx.ReleaseFacts.Deliveries(),
                    tx.ReleaseFacts.Answers(),
                    [.. tx.Schedule.List(overdueOnly: true).Select(e => new OverdueRelease(e.SubmissionId, e.PersonKeys, e.ReleaseDate))]));
                var report = ContinuityReport.Build(inputs, London, first, last);
                var text = parse.GetValue(format) switch
                {
                    "csv" => Csv(report),
                    "html" => ContinuityPage.Render(report),
                    _ => Json(report).ToJsonString(Indented) + "\n",
                };
                if (parse.GetValue(outFile) is { } file)
                {
                    File.WriteAllText(file, text, new UTF8Encoding(false));
                }
                else
                {
                    output.Write(text);
                }

                return ExitCodes.Ok;
            });
        });

        return new Command("report", "Figures for commissioners from the gateway's records, with no identifiers.") { continuity };
    }

    /// <summary>The report as JSON: <c>{"from", "to", "rows": [...]}</c>, each row's figures named as in <see cref="ContinuityRow.FigureNames"/>.</summary>
    public static JsonObject Json(ContinuityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = new JsonArray();
        foreach (var row in report.Rows)
        {
            var item = new JsonObject { ["prison"] = row.Prison, ["cjitArea"] = row.CjitArea, ["month"] = row.Month };
            var figures = row.Figures;
            for (var i = 0; i < figures.Count; i++)
            {
                item[ContinuityRow.FigureNames[i]] = figures[i] switch
                {
                    { Suppressed: true } => JsonValue.Create(Figure.SuppressedText),
                    { Value: { } value } => JsonValue.Create(Normalised(value)),
                    _ => null,
                };
            }

            rows.Add(item);
        }

        return new JsonObject { ["from"] = DateText(report.From), ["to"] = DateText(report.To), ["rows"] = rows };
    }

    /// <summary>The report as CSV: a header row of the JSON field names, then one line per row; a null figure is an empty field.</summary>
    public static string Csv(ContinuityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        csv.Append("prison,cjitArea,month,").AppendJoin(',', ContinuityRow.FigureNames).Append("\r\n");
        foreach (var row in report.Rows)
        {
            csv.Append(Field(row.Prison)).Append(',').Append(Field(row.CjitArea ?? "")).Append(',').Append(Field(row.Month));
            foreach (var figure in row.Figures)
            {
                csv.Append(',').Append(figure switch
                {
                    { Suppressed: true } => Figure.SuppressedText,
                    { Value: { } value } => Normalised(value).ToString(CultureInfo.InvariantCulture),
                    _ => "",
                });
            }

            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
    private static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    // 0.500 and 0.5 are the same share: written without trailing zeros.
    private static decimal Normalised(decimal value) => value / 1.000000000000000000000000000000000m;

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new UsageException($"{option} must be a date, yyyy-mm-dd: {text}");

    private static string? DateText(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
