using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Http;

namespace ExchangeGateway.Cli;

/// <summary>What became of one file of <c>exg send --dir</c>.</summary>
public enum SendOutcome
{
    /// <summary>Answered 2xx in this run.</summary>
    Accepted,

    /// <summary>Answered 2xx in an earlier run (the state file says so); not sent again.</summary>
    AcceptedEarlier,

    /// <summary>Refused by the gateway in this run (4xx).</summary>
    Refused,

    /// <summary>Refused by the gateway in an earlier run; not sent again, reported again.</summary>
    RefusedEarlier,

    /// <summary>Not sent: it is not the sending agency's (event.from is another agency).</summary>
    RefusedLocally,

    /// <summary>No final answer (503s, network errors): the next run sends it again.</summary>
    Failed,
}

/// <summary>One file's outcome: the HTTP status (0 when none) and the reason of a refusal or failure.</summary>
public sealed record FileResult(string File, SendOutcome Outcome, int Status, string Reason);

/// <summary>The summary printed at the end of <c>exg send --dir</c>, and the short reason of a refusal.</summary>
public static class FolderSendReport
{
    private const int FilesNamedPerReason = 10;

    /// <summary>A refusal's reason, from its problem+json: the title and the first error's path (no values, so no personal data).</summary>
    public static string Reason(GatewayResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            var problem = JsonNode.Parse(response.Text);
            var title = problem?["title"]?.GetValue<string>() ?? "no title";
            var path = problem?["errors"]?.AsArray().FirstOrDefault()?["path"]?.GetValue<string>();
            return path is null ? title : $"{title}: {path}";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "the answer is not problem+json";
        }
    }

    /// <summary>Writes the totals and the refusals grouped by reason, naming the first files of each; true when every file is accepted.</summary>
    public static bool Write(IReadOnlyList<FileResult> results, TimeSpan elapsed, int sent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        int Count(SendOutcome outcome) => results.Count(r => r.Outcome == outcome);
        var refusedEarlier = Count(SendOutcome.RefusedEarlier);
        var refused = Count(SendOutcome.Refused) + refusedEarlier;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} file(s), {sent} sent in {elapsed.TotalSeconds:0.0} s ({sent / Math.Max(elapsed.TotalSeconds, 0.001):0.0}/s)"));
        output.WriteLine($"  accepted          {Count(SendOutcome.Accepted)}");
        output.WriteLine($"  already accepted  {Count(SendOutcome.AcceptedEarlier)} (in an earlier run, by the state file; not sent again)");
        output.WriteLine($"  refused           {refused}{(refusedEarlier > 0 ? $" ({refusedEarlier} in an earlier run, by the state file; not sent again)" : "")}");
        output.WriteLine($"  refused locally   {Count(SendOutcome.RefusedLocally)} (not sent)");
        output.WriteLine($"  failed to send    {Count(SendOutcome.Failed)}{(Count(SendOutcome.Failed) > 0 ? " (run again to send them)" : "")}");
        var problems = results
            .Where(r => r.Outcome is SendOutcome.Refused or SendOutcome.RefusedEarlier or SendOutcome.RefusedLocally or SendOutcome.Failed)
            .GroupBy(r => (Kind: Kind(r), r.Status, r.Reason))
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key.Reason, StringComparer.Ordinal);
        foreach (var group in problems)
        {
            var status = group.Key.Status == 0 ? "" : $"HTTP {group.Key.Status} ";
            output.WriteLine($"{group.Key.Kind} {group.Count()}: {status}{group.Key.Reason}");
            var named = group.Take(FilesNamedPerReason).Select(r => Path.GetFileName(r.File)).ToList();
            var more = group.Count() - named.Count;
            output.WriteLine($"    {string.Join(", ", named)}{(more > 0 ? $" and {more} more" : "")}");
        }

        return results.All(r => r.Outcome is SendOutcome.Accepted or SendOutcome.AcceptedEarlier);
    }

    private static string Kind(FileResult result) => result.Outcome switch
    {
        SendOutcome.Failed => "failed to send",
        SendOutcome.RefusedLocally => "refused locally",
        _ => "refused",
    };
}
