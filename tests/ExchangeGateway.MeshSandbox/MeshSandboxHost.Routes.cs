using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ExchangeGateway.MeshSandbox;

/// <summary>The sandbox's MESH API v2 routes.</summary>
public sealed partial class MeshSandboxHost
{
    private const string MeshV2 = "application/vnd.mesh.v2+json";

    private void Map(WebApplication web)
    {
        web.Use(async (context, next) =>
        {
            // Every route but the lookup names a mailbox, whose token it must carry; the lookup takes any registered mailbox's.
            var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (segments.Length < 2 || segments[0] != "messageexchange")
            {
                await Refuse(context, 404, "EPL-404", "not a MESH route");
                return;
            }

            if (!context.Request.Headers.Accept.ToString().Contains(MeshV2, StringComparison.Ordinal))
            {
                await Refuse(context, 406, "EPL-406", $"Accept must include {MeshV2}");
                return;
            }

            var mailbox = segments[1] == "endpointlookup" ? TokenMailbox(context.Request) : segments[1];
            if (!mailboxes.ContainsKey(mailbox))
            {
                await Refuse(context, 403, "EPL-403", $"mailbox {mailbox} is not registered");
                return;
            }

            if (AuthenticationProblem(context.Request, mailbox) is { } problem)
            {
                await Refuse(context, 403, "EPL-403", problem);
                return;
            }

            ExpireOverdue();
            await next(context);
        });

        web.MapGet("/messageexchange/{mailbox}", Handshake);
        web.MapPost("/messageexchange/{mailbox}", Handshake);
        web.MapPost("/messageexchange/{mailbox}/outbox", Send);
        web.MapPost("/messageexchange/{mailbox}/outbox/{id}/{chunk:int}", SendChunk);
        web.MapGet("/messageexchange/{mailbox}/outbox/tracking", Track);
        web.MapGet("/messageexchange/{mailbox}/inbox", (string mailbox) =>
        {
            var ids = Inbox(mailbox).Select(m => m.Id).ToList();
            return Results.Json(new { messages = ids, approx_inbox_count = ids.Count, links = new { } });
        });
        web.MapGet("/messageexchange/{mailbox}/inbox/{id}", (HttpContext context, string mailbox, string id) => Download(context, mailbox, id, 1));
        web.MapGet("/messageexchange/{mailbox}/inbox/{id}/{chunk:int}", (HttpContext context, string mailbox, string id, int chunk) => Download(context, mailbox, id, chunk));
        web.MapPut("/messageexchange/{mailbox}/inbox/{id}/status/acknowledged", Acknowledge);
        web.MapGet("/messageexchange/endpointlookup/{ods}/{workflow}", (string ods, string workflow) => Results.Json(new
        {
            results = mailboxes.Values.Where(m => m.OdsCode.Equals(ods, StringComparison.OrdinalIgnoreCase) && m.Workflows.Contains(workflow))
                .Select(m => new { address = m.Id, description = m.OdsCode, endpoint_type = "MESH" }).ToList(),
        }));
    }

    private IResult Handshake(string mailbox)
    {
        Handshakes.AddOrUpdate(mailbox, 1, (_, n) => n + 1);
        return Results.Json(new { mailboxId = mailbox });
    }

    private async Task<IResult> Send(HttpContext context, string mailbox)
    {
        var headers = context.Request.Headers;
        string to = headers["mex-To"].ToString(), workflow = headers["mex-WorkflowID"].ToString();
        if (to.Length == 0 || workflow.Length == 0)
        {
            return Refusal(400, "EPL-400", to.Length == 0 ? "mex-To is required" : "mex-WorkflowID is required");
        }

        if (!mailboxes.TryGetValue(to, out var recipient))
        {
            return Refusal(417, "EPL-151", "Unregistered to address");
        }

        if (!recipient.Workflows.Contains(workflow))
        {
            return Refusal(417, "EPL-152", "Unregistered workflow for this recipient");
        }

        if (!Range(headers["mex-Chunk-Range"].ToString(), out var number, out var total) || number != 1)
        {
            return Refusal(400, "EPL-400", "mex-Chunk-Range must be 1:n on the first chunk");
        }

        var message = new SandboxMessage
        {
            Id = NewId(), Type = "DATA", From = mailbox, To = recipient.Id, WorkflowId = workflow, AcceptedAt = options.Time.GetUtcNow(),
            Chunks = new byte[]?[total],
            Headers = headers.Where(h => h.Key.StartsWith("mex-", StringComparison.OrdinalIgnoreCase)).ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
        };
        message.Chunks[0] = await Body(context);
        messages[message.Id] = message;
        return Results.Json(new { message_id = message.Id }, statusCode: 202);
    }

    private async Task<IResult> SendChunk(HttpContext context, string mailbox, string id, int chunk)
    {
        if (!messages.TryGetValue(id, out var message) || !message.From.Equals(mailbox, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal(404, "EPL-404", "no such message in this outbox");
        }

        if (!Range(context.Request.Headers["mex-Chunk-Range"].ToString(), out var number, out var total) || number != chunk || total != message.Chunks.Length || chunk < 2)
        {
            return Refusal(400, "EPL-400", $"mex-Chunk-Range must be {chunk}:{message.Chunks.Length}");
        }

        message.Chunks[chunk - 1] = await Body(context);
        return Results.Json(new { message_id = id }, statusCode: 202);
    }

    private IResult Track(string mailbox, string? messageID)
    {
        if (messageID is null || !messages.TryGetValue(messageID, out var message) || !message.From.Equals(mailbox, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal(404, "EPL-404", "no such message sent from this mailbox");
        }

        return Results.Json(new
        {
            message_id = message.Id, local_id = message.Headers.GetValueOrDefault("mex-LocalID"), workflow_id = message.WorkflowId, recipient = message.To,
            sender = message.From, status = message.Status, status_code = message.StatusCode,
            status_description = message.StatusCode == "14" ? "Message not collected by recipient after 5 days" : "Transferred to recipient mailbox",
        });
    }

    private async Task<IResult> Download(HttpContext context, string mailbox, string id, int chunk)
    {
        var message = Inbox(mailbox).FirstOrDefault(m => m.Id == id);
        if (message is null || chunk < 1 || chunk > message.Chunks.Length)
        {
            return Refusal(404, "EPL-404", "no such message or chunk in this inbox");
        }

        var response = context.Response;
        foreach (var (name, value) in message.Headers)
        {
            response.Headers[name] = value;
        }

        response.Headers["mex-MessageID"] = message.Id;
        response.Headers["mex-MessageType"] = message.Type;
        response.Headers["mex-From"] = message.From;
        response.Headers["mex-To"] = message.To;
        response.Headers["mex-WorkflowID"] = message.WorkflowId;
        response.Headers["mex-Chunk-Range"] = $"{chunk}:{message.Chunks.Length}";
        response.StatusCode = chunk < message.Chunks.Length ? 206 : 200;
        response.ContentType = "application/octet-stream";
        await response.Body.WriteAsync(message.Chunks[chunk - 1]);
        return Results.Empty;
    }

    private IResult Acknowledge(string mailbox, string id)
    {
        if (FailAcknowledgements)
        {
            return Refusal(500, "EPL-500", "MESH could not record the acknowledgement");
        }

        var message = Inbox(mailbox).FirstOrDefault(m => m.Id == id);
        if (message is null)
        {
            return Refusal(404, "EPL-404", "no such message in this inbox");
        }

        message.Status = "acknowledged";
        return Results.Json(new { message_id = id });
    }

    private static bool Range(string header, out int number, out int total)
    {
        number = total = 1;
        if (header.Length == 0)
        {
            return true;
        }

        var parts = header.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], out number) && int.TryParse(parts[1], out total) && number >= 1 && total >= number;
    }

    private static async Task<byte[]> Body(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string TokenMailbox(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("NHSMESH ", StringComparison.Ordinal) ? header["NHSMESH ".Length..].Split(':')[0] : "";
    }

    private IResult Refusal(int status, string code, string description)
    {
        Refusals.Enqueue($"{status} {code}: {description}");
        return Results.Json(new JsonObject { ["errorCode"] = code, ["errorDescription"] = description }, statusCode: status);
    }

    private Task Refuse(HttpContext context, int status, string code, string description)
    {
        Refusals.Enqueue($"{status} {code}: {description}");
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { errorCode = code, errorDescription = description });
    }
}
