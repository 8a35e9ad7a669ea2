using System.Diagnostics;
using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The HTTP API: submissions, tracking and mailboxes, each caller known by its client certificate.</summary>
public static class GatewayApi
{
    private const string PackageMediaType = "application/pkcs7-mime";
    private const string JsonMediaType = "application/json";

    /// <summary>Maps the endpoints onto the application.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"))
            .WithName("Liveness")
            .WithSummary("Whether the process answers")
            .Produces<string>(200, "text/plain");
        GatewayReadiness.Map(app);

        // One gate for every API endpoint: the caller must be an agency of the directory. The handlers write their JSON
        // as text, so what they take and answer is declared here for the OpenAPI document.
        var api = app.MapGroup("/api/v1").AddEndpointFilter<KnownCallerFilter>()
            .WithTags("api")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/submissions", Submit)
            .WithName("Submit")
            .WithSummary("Submits an event (JSON submission); answers 202 with the messages sealed per recipient, again 202 for the same body resent")
            .Accepts<JsonObject>(JsonMediaType)
            .Produces<JsonObject>(StatusCodes.Status202Accepted, JsonMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapPost("/messages/{messageId}/response", (HttpContext context, string messageId, ResponseAcceptance responses, PushDelivery push) =>
            Take(context, ResponseReader.MaxBytes, push, (body, caller) => responses.AnswerAsync(messageId, body, caller)))
            .WithName("Respond")
            .WithSummary("Records the recipient's business response (JSON) to a message it received")
            .Accepts<JsonObject>(JsonMediaType)
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        api.MapGet("/submissions/{id}", (HttpContext context, string id, IGatewayStore store) =>
        {
            var caller = KnownCallerFilter.CallerOf(context);

            var (submission, lines) = store.Snapshot(tx => (tx.Submissions.Find(id), tx.Submissions.Track(id)));
            if (submission is null || submission.Sender != caller)
            {
                return NotFound($"no submission {id} from {caller}");
            }

            var recipients = new JsonArray();
            foreach (var line in lines)
            {
                var item = new JsonObject
                {
                    ["recipient"] = line.Recipient,
                    ["recipientType"] = line.RecipientType,
                    ["decision"] = line.Decision,
                    ["status"] = line.Response?.Outcome ?? TrackingStatus(line.Status),
                    ["attempts"] = line.Attempts,
                };
                if (line.MessageId is not null)
                {
                    item["messageId"] = line.MessageId;
                }

                if (line.MessageId is null || line.Decision == "override")
                {
                    item["reason"] = line.Reason;
                }
                else if (line.Status == MessageStatus.Cancelled)
                {
                    item["reason"] = line.LastError;
                }

                if (line.LastError is not null)
                {
                    item["lastError"] = line.LastError;
                }

                if (line.UpdatedAt is { } updated)
                {
                    item["updatedAt"] = StoredTime.Format(updated);
                }

                if (line.Response is { } response)
                {
                    item["response"] = ResponseAcceptance.ResponseJson(response);
                }

                recipients.Add(item);
            }

            return Results.Text(new JsonObject { ["submissionId"] = id, ["eventType"] = submission.EventType, ["recipients"] = recipients }.ToJsonString(), "application/json");
        })
            .WithName("Track")
            .WithSummary("Tracks one of the caller's submissions: status per recipient")
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/mailbox", (HttpContext context, IGatewayStore store) =>
        {
            var caller = KnownCallerFilter.CallerOf(context);

            var messages = new JsonArray();
            foreach (var entry in store.Snapshot(tx => tx.Mailbox.List(caller)))
            {
                messages.Add(new JsonObject
                {
                    ["messageId"] = entry.MessageId,
                    ["submissionId"] = entry.SubmissionId,
                    ["eventType"] = entry.EventType,
                    ["createdAt"] = StoredTime.Format(entry.CreatedAt),
                    ["size"] = entry.Size,
                });
            }

            return Results.Text(new JsonObject { ["messages"] = messages }.ToJsonString(), "application/json");
        })
            .WithName("ListMailbox")
            .WithSummary("Lists the messages waiting in the caller's mailbox")
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType);

        api.MapGet("/mailbox/{messageId}", async (HttpContext context, string messageId, IGatewayStore store, GatewayAudit audit, LatestCheckpoint checkpoint) =>
        {
            var caller = KnownCallerFilter.CallerOf(context);

            // Awaited: a fetch writes (its audit entry), and a request waits for the writer without holding a thread.
            var package = await store.InTransactionAsync(tx =>
            {
                var found = tx.Mailbox.Fetch(caller, messageId);
                if (found is not null)
                {
                    audit.Fetched(tx, caller, messageId);
                }

                return found;
            }).ConfigureAwait(false);
            if (package is null)
            {
                return NotFound($"no message {messageId} in the mailbox of {caller}");
            }

            // The agency keeps the newest checkpoint it is shown: a later rewrite of the trail would contradict it.
            if (checkpoint.HeaderValue() is { } note)
            {
                context.Response.Headers[LatestCheckpoint.HeaderName] = note;
            }

            return Results.Bytes(package, PackageMediaType);
        })
            .WithName("FetchMessage")
            .WithSummary("Fetches a sealed package (CMS) from the caller's mailbox")
            .Produces<byte[]>(StatusCodes.Status200OK, PackageMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/mailbox/{messageId}/ack", async (HttpContext context, string messageId, IGatewayStore store, GatewayAudit audit, GatewayMetrics metrics) =>
        {
            var caller = KnownCallerFilter.CallerOf(context);

            var acknowledged = await store.InTransactionAsync(tx =>
            {
                if (!tx.Mailbox.Acknowledge(caller, messageId))
                {
                    return false;
                }

                audit.Acknowledged(tx, caller, messageId);
                return true;
            }).ConfigureAwait(false);
            if (!acknowledged)
            {
                return NotFound($"no message {messageId} waiting in the mailbox of {caller}");
            }

            metrics.Delivery(DeliveryOutcomes.Acknowledged, DeliveryChannel.Mailbox, caller);
            return Results.Text(new JsonObject { ["messageId"] = messageId, ["status"] = MessageStatus.Acknowledged }.ToJsonString(), "application/json");
        })
            .WithName("AcknowledgeMessage")
            .WithSummary("Acknowledges a fetched message, taking it out of the caller's mailbox")
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        AuditApi.Map(api, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditApi)));
    }

    private static string TrackingStatus(string status) => status == MessageStatus.Expired ? "undeliverable" : status;

    private static IResult NotFound(string title) => Problem(404, title);

    /// <summary>A problem+json answer with a status and a title.</summary>
    internal static IResult Problem(int status, string title) =>
        Results.Text(new JsonObject { ["type"] = "about:blank", ["title"] = title, ["status"] = status }.ToJsonString(), "application/problem+json", statusCode: status);

    // A submission, counted and timed for /metrics from the moment it reaches this endpoint. A storage fault and a body
    // Kestrel refuses are counted too, then left to the middleware that answers them (503, 413).
    private static async Task<IResult> Submit(HttpContext context, SubmissionAcceptance acceptance, PushDelivery push, GatewayMetrics metrics)
    {
        var started = Stopwatch.GetTimestamp();
        var sender = KnownCallerFilter.CallerOf(context);
        try
        {
            return await Take(context, Intake.SubmissionReader.MaxBytes, push, acceptance.AcceptAsync,
                (body, answer) => metrics.Submission(sender, answer, body.Length, Stopwatch.GetElapsedTime(started))).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            metrics.Refuse(sender, SubmissionRefusals.StorageUnavailable, Stopwatch.GetElapsedTime(started));
            throw;
        }
        catch (BadHttpRequestException ex)
        {
            metrics.Refuse(sender, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? SubmissionRefusals.TooLarge : SubmissionRefusals.Invalid, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    // A JSON body from the calling agency, answered as the acceptance answers it; new messages wake the push worker at once.
    private static async Task<IResult> Take(HttpContext context, int maxBytes, PushDelivery push, Func<byte[], string, Task<SubmissionAnswer>> accept, Action<byte[], SubmissionAnswer>? answered = null)
    {
        var caller = KnownCallerFilter.CallerOf(context);
        var body = await ReadBodyAsync(context.Request, maxBytes + 1, context.RequestAborted).ConfigureAwait(false);
        var answer = await accept(body, caller).ConfigureAwait(false);
        answered?.Invoke(body, answer);
        if (answer.NewMessageIds is { Count: > 0 })
        {
            push.Wake();
        }

        return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        // Read at most one byte past the intake's limit: enough for it to refuse an oversized body by name, without buffering
        // the rest. The chunk is pooled and the buffer sized from Content-Length: a fresh 80 KB per request showed in profiles.
        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)Math.Min(length, limit) : 0);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var take = Math.Min(read, limit - (int)buffer.Length);
                buffer.Write(chunk, 0, take);
                if (buffer.Length >= limit)
                {
                    break;
                }
            }
        }
        finally
        {
            // Cleared: the pool is shared, and a body is a person's record.
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk, clearArray: true);
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
