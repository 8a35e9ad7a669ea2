using System.Net;
using System.Text;

namespace ExchangeGateway.Rendering;

/// <summary>The shell every rendered page shares: one self-contained, print-ready HTML file with inline CSS and no script.</summary>
public static class PrintablePage
{
    // The policy is the guard behind the encoding: even a value that slipped through could fetch nothing and run nothing.
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private const string Style = """
        @page { size: A4; margin: 16mm 14mm; }
        * { box-sizing: border-box; }
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.45; color: #111; background: #fff; margin: 0 auto; max-width: 190mm; padding: 12px; }
        h1 { font-size: 18pt; margin: 0 0 4px; }
        h2 { font-size: 13pt; margin: 18px 0 6px; padding-bottom: 2px; border-bottom: 1px solid #888; break-after: avoid; }
        h3 { font-size: 11.5pt; margin: 10px 0 4px; }
        header { border-bottom: 3px solid #111; padding-bottom: 8px; margin-bottom: 12px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0 0; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        .flags { border: 3px solid #b00020; background: #fff3f3; padding: 8px 12px; margin: 12px 0; break-inside: avoid; }
        .flags h2 { border: 0; margin: 0 0 4px; color: #b00020; }
        .flags ul { margin: 0; padding-left: 20px; font-weight: bold; }
        .interpreter { border: 3px solid #004c97; background: #eef5ff; padding: 10px 14px; margin: 12px 0; font-size: 15pt; font-weight: bold; }
        section { break-inside: avoid-page; }
        .big { font-size: 14pt; }
        .muted { color: #555; }
        table { border-collapse: collapse; margin: 4px 0; }
        th, td { border: 1px solid #aaa; padding: 2px 6px; text-align: left; vertical-align: top; }
        footer { margin-top: 24px; border-top: 1px solid #888; padding-top: 6px; font-size: 9pt; color: #555; }
        @media print { body { max-width: none; padding: 0; } .flags, .interpreter { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
        """;

    /// <summary>The page: <paramref name="title"/> is plain text (encoded here), <paramref name="body"/> is HTML already made safe.</summary>
    public static string Wrap(string title, string body)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        page.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n");
        page.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");
        page.Append(body);
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>The pages' CSS, for an app that serves it as a file under a Content-Security-Policy without 'unsafe-inline'.</summary>
    public static string Stylesheet => Style;

    /// <summary>The content of a page made by <see cref="Wrap"/>: its body, to be shown inside another page.</summary>
    public static string BodyOf(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        const string Open = "<body>\n";
        var start = page.IndexOf(Open, StringComparison.Ordinal);
        var end = page.LastIndexOf("</body>", StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new ArgumentException("not a page made by PrintablePage.Wrap", nameof(page));
        }

        return page[(start + Open.Length)..end];
    }

    /// <summary>Text made safe for HTML content and quoted attribute values.</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
