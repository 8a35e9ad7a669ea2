using System.Globalization;
using System.Text;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Rendering;

/// <summary>
/// The continuity report as one standalone page for commissioners: a table of every figure, a small inline-SVG bar beside
/// each share, and a bar chart of releases per prison and area. Inline CSS, no script, nothing fetched; suppressed counts
/// show as "&lt;5" and suppressed shares as a dash, never as a bar.
/// </summary>
public static class ContinuityPage
{
    private const string PageStyle = """
        @page { size: A4 landscape; margin: 12mm; }
        body { max-width: none; }
        table.report { font-size: 9pt; width: 100%; }
        table.report td.n { text-align: right; white-space: nowrap; }
        svg.bar { vertical-align: middle; margin-left: 4px; }
        .chart { margin: 8px 0 16px; }
        """;

    private static readonly string[] Headings =
    [
        "Releases", "Notice lead time, median days", "Notice of 6 weeks or more", "Latest record delivered before release",
        "Accepted by the GP before release", "Bridging prescription (people on OST)", "Naloxone (opioid users)", "First appointment booked",
        "Engaged within 21 days", "Overdue releases",
    ];

    /// <summary>The page of <paramref name="report"/>, as HTML.</summary>
    public static string Render(ContinuityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var body = new StringBuilder();
        body.Append("<style>\n").Append(PageStyle).Append("\n</style>\n<header>\n<h1>Continuity of care on release</h1>\n");
        body.Append("<p class=\"muted\">Release dates ").Append(PrintablePage.Encode(Period(report))).Append(". Counts of 1 to 4 show as &lt;5; a share is left out (–) when either of its counts is under 5 or there is nothing to divide by. No person is named or identified.</p>\n</header>\n");
        if (report.Rows.Count == 0)
        {
            body.Append("<p id=\"empty\">No releases were recorded in this period.</p>\n");
            return PrintablePage.Wrap("Continuity of care on release", body.ToString());
        }

        body.Append("<h2>Releases by prison and area</h2>\n<div class=\"chart\">").Append(ReleasesChart(report.Rows)).Append("</div>\n");
        body.Append("<h2>Figures</h2>\n<table class=\"report\" id=\"figures\">\n<thead><tr><th>Prison</th><th>CJIT area</th><th>Month</th>");
        foreach (var heading in Headings)
        {
            body.Append("<th>").Append(PrintablePage.Encode(heading)).Append("</th>");
        }

        body.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in report.Rows)
        {
            body.Append("<tr><td>").Append(PrintablePage.Encode(row.Prison)).Append("</td><td>").Append(PrintablePage.Encode(row.CjitArea ?? "none"))
                .Append("</td><td>").Append(PrintablePage.Encode(row.Month)).Append("</td>");
            var figures = row.Figures;
            for (var i = 0; i < figures.Count; i++)
            {
                var isShare = ContinuityRow.FigureNames[i].EndsWith("Share", StringComparison.Ordinal);
                body.Append("<td class=\"n\">").Append(PrintablePage.Encode(Text(figures[i], isShare)));
                if (isShare && figures[i].Value is { } share)
                {
                    body.Append(ShareBar(share, Headings[i]));
                }

                body.Append("</td>");
            }

            body.Append("</tr>\n");
        }

        body.Append("</tbody>\n</table>\n<footer>Made by exg report continuity from the gateway's own records of releases, notices, deliveries, answers and engagement reports.</footer>\n");
        return PrintablePage.Wrap("Continuity of care on release", body.ToString());
    }

    /// <summary>A figure as the page shows it: a count or median as a number, a share as a percentage, "&lt;5", or a dash.</summary>
    public static string Text(Figure figure, bool share) => figure switch
    {
        { Suppressed: true } => Figure.SuppressedText,
        { Value: { } value } when share => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
        { Value: { } value } => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => "–",
    };

    private static string Period(ContinuityReport report) =>
        (report.From, report.To) switch
        {
            (null, null) => "of every month recorded",
            ({ } from, null) => $"from {Date(from)}",
            (null, { } to) => $"up to {Date(to)}",
            ({ } from, { } to) => $"from {Date(from)} to {Date(to)}",
        };

    private static string Date(DateOnly date) => date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    // A 60 × 10 bar: the share filled, the rest outlined.
    private static string ShareBar(decimal share, string what)
    {
        var width = (share * 60).ToString("0.#", CultureInfo.InvariantCulture);
        var label = PrintablePage.Encode($"{what}: {Text(new Figure(share, false), true)}");
        return $"<svg class=\"bar\" width=\"60\" height=\"10\" viewBox=\"0 0 60 10\" role=\"img\" aria-label=\"{label}\"><rect x=\"0\" y=\"0\" width=\"60\" height=\"10\" fill=\"#eee\" stroke=\"#999\" stroke-width=\"0.5\"/><rect class=\"fill\" x=\"0\" y=\"0\" width=\"{width}\" height=\"10\" fill=\"#004c97\"/></svg>";
    }

    // One bar per row, scaled to the largest published count; a suppressed count is a short grey bar labelled <5.
    private static string ReleasesChart(IReadOnlyList<ContinuityRow> rows)
    {
        const int labelWidth = 260, barWidth = 300, rowHeight = 18;
        var largest = Math.Max(5m, rows.Max(r => r.Releases.Value ?? 0));
        var height = rows.Count * rowHeight + 4;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"releases-chart\" width=\"{labelWidth + barWidth + 60}\" height=\"{height}\" role=\"img\" aria-label=\"Releases by prison, CJIT area and month\" font-size=\"11\" font-family=\"DejaVu Sans, Arial, sans-serif\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var y = i * rowHeight + 2;
            var suppressed = row.Releases.Suppressed;
            var width = suppressed ? 4m * barWidth / largest : (row.Releases.Value ?? 0) * barWidth / largest;
            var label = PrintablePage.Encode($"{row.Prison} · {row.CjitArea ?? "none"} · {row.Month}");
            var value = PrintablePage.Encode(Text(row.Releases, false));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 12}\">{label}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"release-bar\" x=\"{labelWidth}\" y=\"{y}\" width=\"{width:0.#}\" height=\"{rowHeight - 4}\" fill=\"{(suppressed ? "#bbb" : "#004c97")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 4:0.#}\" y=\"{y + 12}\">{value}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
