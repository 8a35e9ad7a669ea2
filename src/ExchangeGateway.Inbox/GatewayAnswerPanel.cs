using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Http;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Inbox;

/// <summary>The gateway's answer to an action, as a panel on the page and as one line kept with the message.</summary>
internal sealed record GatewayAnswerPanel(string Html, string Line)
{
    /// <summary>The panel for an answer; <paramref name="what"/> says which action it answers.</summary>
    public static GatewayAnswerPanel Of(GatewayResponse response, string what)
    {
        ArgumentNullException.ThrowIfNull(response);
        var json = Parse(response.Text);
        if (response.IsSuccess)
        {
            var line = json?["response"] is { } given ? $"{what}: {Describe(given)}" : $"{what}: sent as submission {json?["submissionId"]}" + Recipients(json);
            return new($"<div class=\"answer\"><h2>The gateway accepted it</h2><p>{Encode(line)}</p></div>\n", line);
        }

        var heading = response.Status == HttpStatusCode.Conflict ? "Already answered differently" : $"The gateway refused it (HTTP {(int)response.Status})";
        var html = new StringBuilder($"<div class=\"answer problem\"><h2>{Encode(heading)}</h2>\n<p><strong>{Encode(json?["title"]?.ToString() ?? response.Text)}</strong></p>\n");
        if (json?["detail"] is { } detail)
        {
            html.Append("<p>").Append(Encode(detail.ToString())).Append("</p>\n");
        }

        var errors = (json?["errors"] as JsonArray ?? []).Select(e => $"{e?["path"]}: {e?["reason"]}").ToList();
        if (errors.Count > 0)
        {
            html.Append("<ul>").Append(string.Concat(errors.Select(e => "<li>" + Encode(e) + "</li>"))).Append("</ul>\n");
        }

        return new(html.Append("</div>\n").ToString(), $"{what}: {heading}: {json?["title"]}");
    }

    /// <summary>The panel saying the gateway could not be reached.</summary>
    public static string Unreachable =>
        "<div class=\"answer problem\"><h2>The gateway could not be reached</h2><p>Nothing was sent. Check the connection and try again.</p></div>\n";

    private static string Describe(JsonNode response)
    {
        var by = response["by"];
        var text = $"{response["outcome"]} by {by?["name"]} ({by?["role"]}{(by?["professionalId"] is { } id ? ", " + id : "")})";
        return response["reason"] is { } reason ? $"{text}: {reason}" : text;
    }

    private static string Recipients(JsonNode? answer) =>
        answer?["messages"] is JsonArray messages && messages.Count > 0 ? ", to " + string.Join(", ", messages.Select(m => $"{m?["recipient"]} ({m?["status"]})")) : "";

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
