using System.Globalization;
using System.Text;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Inbox;

/// <summary>The inbox's pages as HTML strings; everything taken from a document or the gateway is encoded here.</summary>
internal static class InboxPages
{
    /// <summary>A whole page: the inbox's stylesheet (and the document's, on a document page), no script.</summary>
    public static string Layout(string title, string agency, string body, bool withDocumentStyle = false)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        page.Append("<title>").Append(Encode(title)).Append(" - inbox of ").Append(Encode(agency)).Append("</title>\n");
        if (withDocumentStyle)
        {
            page.Append("<link rel=\"stylesheet\" href=\"/document.css\">\n");
        }

        page.Append("<link rel=\"stylesheet\" href=\"/inbox.css\">\n</head>\n<body>\n").Append(body).Append("</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>The list of messages, newest first, with the "Check now" button and the last check's outcome.</summary>
    public static string List(string agency, IReadOnlyList<InboxItem> items, MailboxCheck? last, string token)
    {
        var body = new StringBuilder();
        body.Append("<div class=\"bar\"><h1>Inbox of ").Append(Encode(agency)).Append("</h1>\n<form method=\"post\" action=\"/check\">")
            .Append(token).Append("<button type=\"submit\">Check now</button></form></div>\n");
        body.Append("<p class=\"status\">").Append(last is null ? "The mailbox has not been checked yet." : $"Mailbox checked {Time(last.At)}: {Encode(last.Summary)}").Append("</p>\n");
        if (items.Count == 0)
        {
            body.Append("<p>No messages yet.</p>\n");
            return Layout("Messages", agency, body.ToString());
        }

        body.Append("<table class=\"inbox\">\n<thead><tr><th>State</th><th>Event</th><th>Person</th><th>NHS number</th><th>Release date</th><th>Safety flags</th><th>Received</th></tr></thead>\n<tbody>\n");
        foreach (var item in items)
        {
            body.Append("<tr class=\"state-").Append(Encode(item.State)).Append("\"><td><span class=\"state\">").Append(Encode(item.State)).Append("</span></td>")
                .Append("<td><a href=\"/messages/").Append(Uri.EscapeDataString(item.MessageId)).Append("\">").Append(Encode(item.Title)).Append("</a><br>")
                .Append(Encode(item.EventType)).Append(item.From is null ? "" : " from " + Encode(item.From)).Append("</td>")
                .Append("<td>").Append(Encode(item.Person)).Append("</td><td>").Append(Encode(item.NhsNumber)).Append("</td><td>").Append(Encode(item.ReleaseDate)).Append("</td><td>")
                .Append(string.Join("<br>", item.Flags.Select(f => "<span class=\"flag\">" + Encode(f) + "</span>"))).Append("</td><td>").Append(Time(item.ReceivedAt)).Append("</td></tr>\n");
        }

        body.Append("</tbody>\n</table>\n");
        return Layout("Messages", agency, body.ToString());
    }

    /// <summary>A message: the gateway's answer to the last action, the document as a clinician reads it, and the forms that answer it.</summary>
    public static string Message(string agency, InboxItem item, string documentBody, string? answer, string forms)
    {
        var body = new StringBuilder();
        body.Append("<div class=\"bar\"><h1>").Append(Encode(item.Title)).Append("</h1><a href=\"/\">Back to the inbox</a></div>\n");
        body.Append("<p class=\"status state-").Append(Encode(item.State)).Append("\">State: <span class=\"state\">").Append(Encode(item.State)).Append("</span>; received ").Append(Time(item.ReceivedAt))
            .Append(" by ").Append(Encode(item.Via)).Append("; message ").Append(Encode(item.MessageId)).Append(".</p>\n");
        body.Append(answer ?? (item.LastAction is null ? "" : "<div class=\"answer\"><h2>Last answer from the gateway</h2><p>" + Encode(item.LastAction) + "</p></div>\n"));
        body.Append("<article class=\"document\">\n").Append(documentBody).Append("</article>\n");
        body.Append(forms);
        return Layout(item.Title, agency, body.ToString(), withDocumentStyle: true);
    }

    /// <summary>An error page: what went wrong and where to go next.</summary>
    public static string Error(string agency, string title, string detail) =>
        Layout(title, agency, $"<div class=\"bar\"><h1>{Encode(title)}</h1><a href=\"/\">Back to the inbox</a></div>\n<div class=\"answer problem\"><p>{Encode(detail)}</p></div>\n");

    private static string Time(DateTimeOffset at) => Encode(at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
}
