using System.Globalization;
using System.Net;
using System.Text;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The operator console as one HTML page: no script, its style from <c>/console/console.css</c>, every value encoded.</summary>
internal static class ConsolePage
{
    /// <summary>The console's style sheet, served as a file so the page's Content-Security-Policy can forbid inline style.</summary>
    public const string Css = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1d; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
        table { border-collapse: collapse; margin: .4rem 0; }
        th, td { border: 1px solid #c8c8c8; padding: .25rem .5rem; text-align: left; vertical-align: top; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        tr#totals td { font-weight: 600; background: #f2f2f2; }
        .notice { padding: .5rem .8rem; background: #e8f3ea; border: 1px solid #7fb58a; }
        .refused { background: #fbe9e9; border-color: #d48a8a; }
        .bad { color: #a40000; font-weight: 600; } .good { color: #1e6b2e; font-weight: 600; }
        form { display: inline; } code { font-size: 12px; }
        """;

    private static readonly (string Title, Func<AgencyCounts, long> Value, string Class)[] Columns =
    [
        ("Received for it", c => c.Messages, "received"), ("Queued", c => c.Queued, "queued"), ("Delivered", c => c.Delivered, "delivered"),
        ("Acknowledged", c => c.Acknowledged, "acknowledged"), ("Dead-lettered", c => c.DeadLettered, "dead-lettered"), ("Expired", c => c.Expired, "expired"),
        ("Cancelled", c => c.Cancelled, "cancelled"), ("It accepted", c => c.Accepted, "accepted"), ("It rejected", c => c.Rejected, "rejected"),
        ("It submitted", c => c.Submitted, "submitted"),
    ];

    /// <summary>The page for <paramref name="operatorId"/>; <paramref name="notice"/> reports the last action.</summary>
    public static string Render(ConsoleSnapshot snapshot, string operatorId, (string Text, bool Refused)? notice, (string FieldName, string Token) antiforgery)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ExchangeGateway operator console</title>")
            .Append("<link rel=\"stylesheet\" href=\"/console/console.css\"></head><body>")
            .Append("<h1>ExchangeGateway operator console</h1><p>Signed in by certificate as <strong>").Append(E(operatorId)).Append("</strong> at ")
            .Append(Time(snapshot.Now)).Append(". Pseudonymous keys and message ids only.</p>");
        if (notice is { } shown)
        {
            html.Append("<p class=\"notice").Append(shown.Refused ? " refused" : "").Append("\" role=\"status\">").Append(E(shown.Text)).Append("</p>");
        }

        AgencyTable(html, snapshot);
        DeadLetters(html, snapshot, antiforgery);
        Overdue(html, snapshot);
        Escalations(html, snapshot);
        Certificates(html, snapshot);
        Audit(html, snapshot, antiforgery);
        return html.Append("</body></html>").ToString();
    }

    private static void AgencyTable(StringBuilder html, ConsoleSnapshot snapshot)
    {
        var t = snapshot.Totals;
        html.Append("<h2>Messages per agency</h2><p>Received for it: messages the gateway accepted for the agency, in every state; ")
            .Append("it accepted / rejected: its business answers; it submitted: records it sent to the gateway.</p><p id=\"outbox-totals\">accepted ").Append(t.Accepted).Append(" = pending ").Append(t.Pending)
            .Append(" + delivered ").Append(t.Delivered).Append(" + acknowledged ").Append(t.Acknowledged).Append(" + dead-lettered ").Append(t.DeadLettered)
            .Append(" + expired ").Append(t.Expired).Append(" + cancelled ").Append(t.Cancelled)
            .Append(t.Balances ? " <span class=\"good\">balances</span>" : " <span class=\"bad\">does not balance</span>").Append("</p>");
        html.Append("<table id=\"agencies\"><thead><tr><th>Agency</th><th>Type</th>");
        foreach (var column in Columns)
        {
            html.Append("<th>").Append(column.Title).Append("</th>");
        }

        html.Append("<th>Oldest pending</th></tr></thead><tbody>");
        foreach (var (counts, type) in snapshot.Agencies)
        {
            html.Append("<tr id=\"agency-").Append(E(counts.Agency)).Append("\"><td>").Append(E(counts.Agency)).Append("</td><td>").Append(E(type)).Append("</td>");
            foreach (var column in Columns)
            {
                Number(html, column.Class, column.Value(counts));
            }

            html.Append("<td>").Append(counts.OldestPending is { } oldest ? $"<code>{E(oldest.MessageId)}</code>, {Age(snapshot.Now - oldest.CreatedAt)}" : "").Append("</td></tr>");
        }

        html.Append("<tr id=\"totals\"><td>All agencies</td><td></td>");
        foreach (var column in Columns)
        {
            Number(html, column.Class, snapshot.Agencies.Sum(a => column.Value(a.Counts)));
        }

        html.Append("<td></td></tr></tbody></table>");
    }

    private static void DeadLetters(StringBuilder html, ConsoleSnapshot snapshot, (string FieldName, string Token) antiforgery)
    {
        html.Append("<h2>Dead letters and expired messages</h2>");
        if (snapshot.DeadLetters.Count == 0)
        {
            html.Append("<p id=\"no-dead-letters\">None.</p>");
            return;
        }

        html.Append("<table id=\"dead-letters\"><thead><tr><th>Message</th><th>To</th><th>Event</th><th>State</th><th>Attempts</th><th>Last error</th><th>Queued</th><th></th></tr></thead><tbody>");
        foreach (var line in snapshot.DeadLetters)
        {
            var id = E(line.MessageId);
            html.Append("<tr id=\"dead-").Append(id).Append("\"><td><code>").Append(id).Append("</code></td><td>").Append(E(line.Recipient)).Append("</td><td>")
                .Append(E(line.EventType ?? "")).Append("</td><td>").Append(E(line.Status)).Append("</td><td class=\"n\">").Append(line.Attempts).Append("</td><td>")
                .Append(E(line.LastError ?? "")).Append("</td><td>").Append(Time(line.CreatedAt)).Append("</td><td>");
            Button(html, $"/console/messages/{Uri.EscapeDataString(line.MessageId)}/retry", "Retry", antiforgery);
            Button(html, $"/console/messages/{Uri.EscapeDataString(line.MessageId)}/cancel", "Cancel", antiforgery);
            html.Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Overdue(StringBuilder html, ConsoleSnapshot snapshot)
    {
        html.Append("<h2>Overdue releases</h2>");
        if (snapshot.OverdueReleases.Count == 0)
        {
            html.Append("<p>None.</p>");
            return;
        }

        html.Append("<table id=\"overdue\"><thead><tr><th>Release date</th><th>Checked</th><th>Person keys</th><th>Told</th><th>Record</th></tr></thead><tbody>");
        foreach (var entry in snapshot.OverdueReleases)
        {
            html.Append("<tr><td>").Append(entry.ReleaseDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Time(entry.DueAt))
                .Append("</td><td>").Append(Keys(entry.PersonKeys)).Append("</td><td>").Append(E(string.Join(", ", entry.Recipients)))
                .Append("</td><td><code>").Append(E(entry.SubmissionId)).Append("</code></td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Escalations(StringBuilder html, ConsoleSnapshot snapshot)
    {
        html.Append("<h2>Open escalations</h2>");
        if (snapshot.OpenEscalations.Count == 0)
        {
            html.Append("<p>None.</p>");
            return;
        }

        html.Append("<table id=\"escalations\"><thead><tr><th>Kind</th><th>Due</th><th>State</th><th>Waiting on</th><th>Person keys</th><th>Record</th></tr></thead><tbody>");
        foreach (var entry in snapshot.OpenEscalations)
        {
            html.Append("<tr><td>").Append(E(entry.Kind)).Append("</td><td>").Append(Time(entry.DueAt)).Append(entry.DueAt < snapshot.Now ? " <span class=\"bad\">overdue</span>" : "")
                .Append("</td><td>").Append(E(entry.Status)).Append("</td><td>").Append(E(entry.WatchRecipient ?? "")).Append("</td><td>").Append(Keys(entry.PersonKeys))
                .Append("</td><td><code>").Append(E(entry.SubmissionId)).Append("</code></td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Certificates(StringBuilder html, ConsoleSnapshot snapshot)
    {
        html.Append("<h2>Certificates ending within ").Append(ConsoleSnapshot.CertificateWarning.Days).Append(" days</h2>");
        if (snapshot.ExpiringCertificates.Count == 0)
        {
            html.Append("<p id=\"no-expiring\">None.</p>");
            return;
        }

        html.Append("<table id=\"expiring\"><thead><tr><th>Certificate</th><th>Role</th><th>SHA-256 (start)</th><th>Ends</th></tr></thead><tbody>");
        foreach (var c in snapshot.ExpiringCertificates)
        {
            html.Append("<tr><td>").Append(E(c.Name)).Append("</td><td>").Append(E(c.Role)).Append("</td><td><code>").Append(E(c.FingerprintPrefix)).Append("</code></td><td>")
                .Append(Time(c.NotAfter)).Append(c.NotAfter <= snapshot.Now ? " <span class=\"bad\">ended</span>" : "").Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Audit(StringBuilder html, ConsoleSnapshot snapshot, (string FieldName, string Token) antiforgery)
    {
        html.Append("<h2>Audit trail</h2><table id=\"audit\"><tbody><tr><th>Head</th><td>")
            .Append(snapshot.AuditHead is { } head ? $"seq {head.Seq}, <code>{E(head.Hash)}</code>" : "empty").Append("</td></tr><tr><th>Last checkpoint</th><td>")
            .Append(snapshot.LastCheckpoint is { } checkpoint ? $"number {checkpoint.Number} over seq {checkpoint.Seq}, <code>{E(checkpoint.Hash)}</code>" : "none yet")
            .Append("</td></tr><tr><th>Last verify</th><td id=\"last-verify\">");
        if (snapshot.LastVerify is { } verify)
        {
            html.Append(verify.Valid ? "<span class=\"good\">valid</span>" : "<span class=\"bad\">NOT valid</span>").Append(", ").Append(verify.Entries)
                .Append(" entries, at ").Append(Time(verify.At)).Append(verify.FirstProblem is null ? "" : "; first problem: " + E(verify.FirstProblem))
                .Append(verify.Warnings == 0 ? "" : $"; {verify.Warnings} warning(s)");
        }
        else
        {
            html.Append("not verified since this instance started");
        }

        html.Append(snapshot.VerifyRunning ? " (a verification is running: reload)" : "").Append(" ");
        Button(html, "/console/audit/verify", "Verify now", antiforgery);
        html.Append("</td></tr></tbody></table>");
    }

    private static void Button(StringBuilder html, string action, string label, (string FieldName, string Token) antiforgery) =>
        html.Append("<form method=\"post\" action=\"").Append(E(action)).Append("\"><input type=\"hidden\" name=\"").Append(E(antiforgery.FieldName))
            .Append("\" value=\"").Append(E(antiforgery.Token)).Append("\"><button type=\"submit\">").Append(E(label)).Append("</button></form> ");

    private static void Number(StringBuilder html, string column, long value) =>
        html.Append("<td class=\"n ").Append(column).Append("\">").Append(value.ToString(CultureInfo.InvariantCulture)).Append("</td>");

    // Enough of each key to tell people apart on the page and find them with exg audit; the key is already a pseudonym.
    private static string Keys(IReadOnlyList<string> keys) => string.Join(" ", keys.Select(k => $"<code>{E(k.Length > 20 ? k[..20] + "…" : k)}</code>"));

    private static string Time(DateTimeOffset at) => E(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));

    private static string Age(TimeSpan age) => age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min" : $"{Math.Max(0, (int)age.TotalMinutes)} min";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
