using System.Globalization;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// The audit log's proofs for the agencies: the newest signed checkpoint, consistency proofs between two tree sizes (a
/// witness checks a new checkpoint against the one it kept), and a delivery receipt (the inclusion proof of the entry
/// that records a message's delivery, against the checkpoint that covers it).
/// </summary>
public static class AuditApi
{
    private const string JsonMediaType = "application/json";

    /// <summary>Maps the endpoints onto the API group (its caller filter applies).</summary>
    public static void Map(RouteGroupBuilder api, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/audit/checkpoint", (LatestCheckpoint latest) =>
            latest.HeaderValue() is { } note
                ? Results.Text(Convert.FromBase64String(note), "text/plain; charset=utf-8")
                : GatewayApi.Problem(404, "no audit checkpoint is signed yet"))
            .WithName("AuditCheckpoint")
            .WithSummary("The newest signed checkpoint of the audit log: a C2SP tlog-checkpoint signed note")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/audit/consistency", (HttpContext context, IGatewayStore store) =>
        {
            if (Size(context, "from") is not { } from || Size(context, "to") is not { } to)
            {
                return GatewayApi.Problem(400, "from and to are tree sizes: whole numbers from 0");
            }

            try
            {
                return Results.Text(store.Snapshot(tx => AuditLog.Consistency(tx.Audit, from, to)).ToJson(), JsonMediaType);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                return GatewayApi.Problem(400, $"{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
            {
                return Unprovable(log, ex);
            }
        })
            .WithName("AuditConsistency")
            .WithSummary("The consistency proof (RFC 9162 §2.1.4) between the audit trees of ?from= and ?to= entries: {\"from\",\"to\",\"hashes\"}")
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/messages/{messageId}/receipt", (HttpContext context, string messageId, IGatewayStore store, IOptions<GatewayOptions> options) =>
        {
            var caller = KnownCallerFilter.CallerOf(context);
            AddressedMessage? addressed;
            AuditEntry? delivery;
            EntryReceipt? receipt;
            try
            {
                (addressed, delivery, receipt) = store.Snapshot(tx =>
                {
                    if (tx.Responses.Addressed(messageId, caller) is not { } message)
                    {
                        return ((AddressedMessage?)null, (AuditEntry?)null, (EntryReceipt?)null);
                    }

                    var entry = AuditLog.DeliveryEntry(tx.Audit, messageId, tx.Submissions.PersonKeysOf(messageId));
                    return (message, entry, entry is null ? null : AuditLog.Prove(tx.Audit, entry.Seq));
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
            {
                return Unprovable(log, ex);
            }

            if (addressed is null)
            {
                return GatewayApi.Problem(404, $"no message {messageId} addressed to {caller}");
            }

            if (delivery is null && addressed.Status is MessageStatus.DeadLetter or MessageStatus.Expired or MessageStatus.Cancelled)
            {
                // Never delivered, and never will be unless an operator retries it: no receipt to wait for.
                return GatewayApi.Problem(409, $"message {messageId} was not delivered ({addressed.Status}): there is no delivery to prove");
            }

            if (receipt is null)
            {
                // The entry is not written yet (the delivery is being recorded) or no checkpoint covers it yet: both come within seconds.
                context.Response.Headers.RetryAfter = Math.Max(1, options.Value.AuditCheckpointSeconds).ToString(CultureInfo.InvariantCulture);
                var title = delivery is null
                    ? $"the delivery of message {messageId} is not recorded in the audit log yet"
                    : $"no signed checkpoint covers entry {delivery.Seq}, which records the delivery of message {messageId}, yet";
                return GatewayApi.Problem(StatusCodes.Status202Accepted, title);
            }

            return Results.Text(Json(messageId, receipt).ToJsonString(), JsonMediaType);
        })
            .WithName("DeliveryReceipt")
            .WithSummary("The addressee's receipt for a message: the audit entry recording its delivery, its inclusion proof and the signed checkpoint it is proved against; 202 with Retry-After until a checkpoint covers it")
            .Produces<JsonObject>(StatusCodes.Status200OK, JsonMediaType)
            .ProducesProblem(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    // A proof the stored tree cannot give (a node or an entry missing or changed): not the caller's fault, and not to retry at once.
    private static IResult Unprovable(ILogger log, Exception ex)
    {
        log.LogError("An audit proof could not be made from the stored tree: {Problem}; run exg audit verify", ex.Message);
        return GatewayApi.Problem(StatusCodes.Status503ServiceUnavailable, "the audit log cannot give this proof now: its operators have been told");
    }

    /// <summary>A receipt as JSON: <c>{"messageId","entry","proof","checkpoint"}</c>, the entry as its jsonl export line and the checkpoint as the signed note.</summary>
    public static JsonObject Json(string messageId, EntryReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return new JsonObject
        {
            ["messageId"] = messageId,
            ["entry"] = AuditChain.ExportLine(receipt.Entry),
            ["proof"] = JsonNode.Parse(receipt.Proof.ToJson()),
            ["checkpoint"] = CheckpointSigner.NoteOf(receipt.Checkpoint),
        };
    }

    private static long? Size(HttpContext context, string name) =>
        context.Request.Query[name] is [{ } text] && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;
}
