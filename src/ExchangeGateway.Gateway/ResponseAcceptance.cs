using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Takes a business response from the agency a message was addressed to: checks it, stores it once, acknowledges a
/// mailbox message it answers, closes the escalations waiting on it, and seals a rejection (or a medication that
/// cannot be continued) to the sender as its own message, all in one transaction.
/// </summary>
public sealed class ResponseAcceptance(
    AgencyDirectory directory,
    ResponseDocumentMapper mapper,
    PackageSealer sealer,
    IGatewayStore store,
    GatewayAudit audit,
    TimeProvider time,
    StorageHealth storage,
    GatewayMetrics metrics,
    ILogger<ResponseAcceptance> log)
{
    // The records themselves; see Answerable.
    private static readonly HashSet<string> AnswerableTypes =
        [EventTypes.Transfer, EventTypes.ReleaseNotice, EventTypes.Release, EventTypes.Reception, EventTypes.ReceptionReply, EventTypes.Engagement];

    /// <summary>The event type the sender's notice of a rejection is stored and listed under.</summary>
    public const string NoticeEventType = "message-response";

    /// <summary>Answers <paramref name="messageId"/> for <paramref name="caller"/> (the agency named by its client certificate).</summary>
    public async Task<SubmissionAnswer> AnswerAsync(string messageId, byte[] body, string caller)
    {
        ArgumentNullException.ThrowIfNull(body);
        var read = ResponseReader.Read(body);
        var agency = directory.Find(caller) ?? throw new InvalidOperationException("only a caller of the directory reaches the API");
        var errors = read.Errors.ToList();
        if (read.Response is { } checkable)
        {
            ResponseRules.Check(checkable, agency.Type, errors);
        }

        if (errors.Count > 0 || read.Response is not { } response)
        {
            await audit.RefusedAsync(caller, null, "invalid response to a message", errors.Count).ConfigureAwait(false);
            return SubmissionAcceptance.Problem(400, "The response is not valid", errors);
        }

        var canonical = ResponseReader.Canonical(response).ToJsonString();
        var (addressed, earlier) = store.Snapshot(tx => (tx.Responses.Addressed(messageId, caller), tx.Responses.Find(messageId)));

        if (!Answerable(addressed))
        {
            return NotAddressed(messageId, caller);
        }

        if (earlier is not null)
        {
            return Again(earlier, canonical);
        }

        var at = time.GetUtcNow();
        OutgoingMessage? notice;
        try
        {
            notice = response.NeedsNotice ? Notice(addressed, agency, response, at) : null;
        }
        catch (SealingException ex)
        {
            // Nothing is stored: the responder may answer again once the sender's certificate is fixed.
            audit.CertificateProblem(addressed.Sender, null, "cannot seal: " + ex.Message);
            log.LogError("Cannot seal the response to message {MessageId} for {Sender}: {Problem}", messageId, addressed.Sender, ex.Message);
            return SubmissionAcceptance.Problem(503, $"The gateway cannot seal for {addressed.Sender} (certificate problem); nothing was stored, answer again later", []);
        }

        var stored = new StoredResponse(messageId, caller, ResponseOutcomes.Name(response.Outcome), canonical, at, notice?.MessageId);
        var answered = addressed;
        var acknowledged = false;
        var (recorded, gone) = await store.InTransactionAsync(tx =>
        {
            // Set again on every run: the store may run this work again (a deadlock between instances).
            acknowledged = false;
            // Read again under the write: a withdrawal may have cancelled the message since it was first read.
            if (!Answerable(tx.Responses.Addressed(messageId, caller)))
            {
                return ((StoredResponse?)null, true);
            }

            if (!tx.Responses.Record(stored))
            {
                // Another instance stored an answer meanwhile: this one is the same answer again or a conflict.
                return (tx.Responses.Find(messageId), false);
            }

            var keys = tx.Submissions.PersonKeysOf(messageId);
            if (notice is not null)
            {
                tx.Submissions.Enqueue(answered.SubmissionId, NoticeEventType, keys, [notice]);
            }

            // For a mailbox message the answer is also its acknowledgement: a person has read it.
            if (answered.Channel == DeliveryChannel.Mailbox && tx.Mailbox.Acknowledge(caller, messageId))
            {
                audit.Acknowledged(tx, caller, messageId);
                acknowledged = true;
            }

            var detail = $"{stored.Outcome} by {caller} ({response.By.Role}) in response to message {messageId}";
            var closed = tx.Escalations.Close(EscalationKinds.TransferAcceptanceDue, answered.SubmissionId, caller, EscalationStatus.Answered, detail, at).Count
                + tx.Escalations.Close(EscalationKinds.ReleaseAcceptanceDue, answered.SubmissionId, caller, EscalationStatus.Answered, detail, at).Count;
            audit.Responded(tx, caller, answered, keys, response, notice, closed);
            return (null, false);
        }).ConfigureAwait(false);
        if (gone)
        {
            return NotAddressed(messageId, caller);
        }

        if (recorded is not null)
        {
            return Again(recorded, canonical);
        }

        storage.Succeeded();
        if (notice is not null)
        {
            metrics.Queued([notice], NoticeEventType);
        }

        if (acknowledged)
        {
            metrics.Delivery(DeliveryOutcomes.Acknowledged, DeliveryChannel.Mailbox, caller);
        }

        log.LogInformation("Message {MessageId} {Outcome} by {Responder}{Notice}", messageId, stored.Outcome, caller,
            notice is null ? "" : $"; notice {notice.MessageId} queued for {answered.Sender}");
        return new SubmissionAnswer(200, "application/json", Json(stored).ToJsonString(), answered.SubmissionId, notice is null ? null : [notice.MessageId]);
    }

    /// <summary>A stored response as the API shows it: the canonical body with the time it was given.</summary>
    public static JsonObject ResponseJson(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var json = JsonNode.Parse(response.Body)?.AsObject() ?? [];
        json["at"] = StoredTime.Format(response.At);
        return json;
    }

    private static JsonObject Json(StoredResponse stored)
    {
        var json = new JsonObject { ["messageId"] = stored.MessageId, ["status"] = stored.Outcome, ["response"] = ResponseJson(stored) };
        if (stored.NoticeMessageId is not null)
        {
            json["noticeMessageId"] = stored.NoticeMessageId;
        }

        return json;
    }

    // Only the records themselves are answered. A message never delivered (cancelled before delivery) cannot have been
    // read; the gateway's own notices and alerts are not records to accept or reject, and answering one would only send
    // the prison a notice about its own notice. Each is answered exactly as a message that does not exist.
    private static bool Answerable([NotNullWhen(true)] AddressedMessage? message) =>
        message is not null && message.Status != MessageStatus.Cancelled && AnswerableTypes.Contains(message.EventType);

    // The same answer again is answered as the first time; a different one is a conflict.
    private static SubmissionAnswer Again(StoredResponse earlier, string canonical) =>
        earlier.Body == canonical
            ? new SubmissionAnswer(200, "application/json", Json(earlier).ToJsonString())
            : SubmissionAcceptance.Problem(409, $"message {earlier.MessageId} was already answered ({earlier.Outcome}) with a different response",
                [new ValidationError("outcome", "a message is answered once; the first answer stands")]);

    private static SubmissionAnswer NotAddressed(string messageId, string caller) =>
        SubmissionAcceptance.Problem(404, $"no message {messageId} addressed to {caller}", [new ValidationError("messageId", "not a message this agency received")]);

    // The sender hears of a rejection at once, sealed to it; an unsealable sender fails the answer (503), nothing stored.
    private OutgoingMessage? Notice(AddressedMessage addressed, Agency responder, BusinessResponse response, DateTimeOffset at)
    {
        if (directory.Find(addressed.Sender) is not { } sender)
        {
            log.LogWarning("Message {MessageId}: its sender {Sender} is no longer in the agency directory; the response is stored without a notice", addressed.MessageId, addressed.Sender);
            return null;
        }

        var document = mapper.MapToJson(new ResponseNotice(addressed.MessageId, addressed.SubmissionId, addressed.EventType, responder.Id, responder.Type, sender.Id, response, at));
        return sealer.SealFor(Encoding.UTF8.GetBytes(document), sender);
    }
}
