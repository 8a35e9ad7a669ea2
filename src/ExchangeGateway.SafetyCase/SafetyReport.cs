using System.Globalization;
using System.Net;
using System.Text;

namespace ExchangeGateway.SafetyCase;

/// <summary>The hazard log as a document for a clinical safety officer, in Markdown or HTML, with each test's result when given.</summary>
public static class SafetyReport
{
    /// <summary>The report in Markdown.</summary>
    public static string Markdown(HazardLog log, TestResults? results = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var text = new StringBuilder();
        text.Append("# Hazard log\n\n").Append(Summary(log, results)).Append("\n\n");
        text.Append("| hazard | initial risk | residual risk | controls | tests |\n|---|---|---|---|---|\n");
        foreach (var hazard in log.Hazards)
        {
            text.Append(Inv($"| {hazard.Id} {Cell(hazard.Title)} | {hazard.Initial} | {hazard.Residual} | {hazard.Controls.Count} | {Tally(hazard, results)} |\n"));
        }

        foreach (var hazard in log.Hazards)
        {
            text.Append(Inv($"\n## {hazard.Id}: {hazard.Title}\n\n"));
            text.Append(Inv($"- **Cause**: {hazard.Cause}\n- **Effect**: {hazard.Effect}\n- **Harm**: {hazard.Harm}\n"));
            text.Append(Inv($"- **Initial risk**: {hazard.Initial}; **residual risk**: {hazard.Residual}\n"));
            text.Append(hazard.ResidualNotes is { } notes ? Inv($"- **What stays with clinicians**: {notes}\n\n") : "\n");
            foreach (var control in hazard.Controls)
            {
                text.Append(Inv($"### {control.Id} ({control.Kind})\n\n{control.Description}\n\n"));
                if (control.Gaps is { } gaps)
                {
                    text.Append(Inv($"**Gaps**: {gaps}\n\n"));
                }

                foreach (var test in control.Tests)
                {
                    text.Append(Inv($"- `{test}`{Outcome(test, results, html: false)}\n"));
                }

                text.Append('\n');
            }
        }

        if (log.MutationSurvivors.Count > 0)
        {
            text.Append("## Mutants the tests leave alive, and why they are harmless\n\n");
            foreach (var survivor in log.MutationSurvivors)
            {
                text.Append(Inv($"- **{survivor.Where}**: {survivor.Why}\n"));
            }
        }

        return text.ToString();
    }

    /// <summary>The report as one self-contained HTML page (no script, no external resources).</summary>
    public static string Html(HazardLog log, TestResults? results = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Hazard log</title>")
            .Append("<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em;text-align:left}")
            .Append(".Passed{color:#060}.Failed,.missing{color:#a00;font-weight:bold}</style></head><body>\n")
            .Append("<h1>Hazard log</h1>\n<p>").Append(E(Summary(log, results))).Append("</p>\n")
            .Append("<table><tr><th>hazard</th><th>initial risk</th><th>residual risk</th><th>controls</th><th>tests</th></tr>\n");
        foreach (var hazard in log.Hazards)
        {
            page.Append(Inv($"<tr><td><a href=\"#{E(hazard.Id)}\">{E(hazard.Id)}</a> {E(hazard.Title)}</td><td>{E(hazard.Initial.ToString())}</td><td>{E(hazard.Residual.ToString())}</td><td>{hazard.Controls.Count}</td><td>{E(Tally(hazard, results))}</td></tr>\n"));
        }

        page.Append("</table>\n");
        foreach (var hazard in log.Hazards)
        {
            page.Append(Inv($"<h2 id=\"{E(hazard.Id)}\">{E(hazard.Id)}: {E(hazard.Title)}</h2>\n<dl><dt>Cause</dt><dd>{E(hazard.Cause)}</dd><dt>Effect</dt><dd>{E(hazard.Effect)}</dd><dt>Harm</dt><dd>{E(hazard.Harm)}</dd>"))
                .Append(Inv($"<dt>Initial risk</dt><dd>{E(hazard.Initial.ToString())}</dd><dt>Residual risk</dt><dd>{E(hazard.Residual.ToString())}</dd>"))
                .Append(hazard.ResidualNotes is { } notes ? Inv($"<dt>What stays with clinicians</dt><dd>{E(notes)}</dd>") : "").Append("</dl>\n");
            foreach (var control in hazard.Controls)
            {
                page.Append(Inv($"<h3>{E(control.Id)} ({E(control.Kind)})</h3>\n<p>{E(control.Description)}</p>\n"))
                    .Append(control.Gaps is { } gaps ? Inv($"<p><strong>Gaps</strong>: {E(gaps)}</p>\n") : "").Append("<ul>\n");
                foreach (var test in control.Tests)
                {
                    page.Append(Inv($"<li><code>{E(test)}</code>{Outcome(test, results, html: true)}</li>\n"));
                }

                page.Append("</ul>\n");
            }
        }

        return page.Append("</body></html>\n").ToString();
    }

    private static string Summary(HazardLog log, TestResults? results)
    {
        var tests = log.Tests.ToList();
        var line = Inv($"{log.Hazards.Count} hazards, {log.Hazards.Sum(h => h.Controls.Count)} controls, {tests.Count} tests; matrix: {log.Matrix}.");
        if (results is null)
        {
            return line + " No test results given.";
        }

        var passed = tests.Count(t => results.OutcomeOf(t) == "Passed");
        var missing = tests.Count(t => results.OutcomeOf(t) is null);
        return line + Inv($" Results: {passed} passed, {tests.Count - passed - missing} not passed, {missing} not in the results.");
    }

    private static string Tally(Hazard hazard, TestResults? results)
    {
        var tests = hazard.Controls.SelectMany(c => c.Tests).ToList();
        return results is null ? Inv($"{tests.Count}") : Inv($"{tests.Count(t => results.OutcomeOf(t) == "Passed")} of {tests.Count} passed");
    }

    private static string Outcome(string test, TestResults? results, bool html)
    {
        if (results is null)
        {
            return "";
        }

        var outcome = results.OutcomeOf(test);
        var word = outcome ?? "not in the results";
        return html ? $" <span class=\"{(outcome ?? "missing")}\">{E(word)}</span>" : $": **{word}**";
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
