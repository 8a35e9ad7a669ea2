using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Accepts a reply (a <c>reception-reply</c> or an <c>engagement</c> report). A reply names no recipient: it is routed
/// from the message it answers (<c>event.inReplyTo</c>), which must have been addressed to the sender. A reception reply
/// goes only to the prison that sent the reception; an engagement report to the releasing prison and the person's GP.
/// Its legal basis is the person's direct care, recorded as such; the escalation it answers is closed in the same
/// transaction that stores it.
/// </summary>
public sealed class ReplyAcceptance(
    AgencyDirectory directory,
    ReleaseSummaryMapper mapper,
    PackageSealer sealer,
    IGatewayStore store,
    GatewayAudit audit,
    IPersonKeys personKeys,
    TimeProvider time,
    StorageHealth storage,
    GatewayMetrics metrics,
    ILogger<ReplyAcceptance> log)
{
    /// <summary>The legal basis a reply is shared under, as recorded in decisions and the audit trail.</summary>
    public const string DirectCare = "direct-care";

    private static readonly string[] AllTypes = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp];

    /// <summary>Routes, seals and stores a valid reply from <paramref name="sender"/>; the caller has checked the sender is <c>event.from</c>.</summary>
    public async Task<SubmissionAnswer> AcceptAsync(Submission reply, string sender, string bodyHash)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var type = reply.Event.Type;
        var agency = directory.Find(sender) ?? throw new InvalidOperationException("the sender was found in the directory before");
        if (!EventSenders.MayFileReply(type, agency.Type))
        {
            await audit.RefusedAsync(sender, reply.SubmissionId, "reply from an agency type that does not send it", 1).ConfigureAwait(false);
            var who = type == EventTypes.Engagement ? "a CJIT or a community treatment provider" : "a GP practice, a CJIT or a community treatment provider";
            return SubmissionAcceptance.Problem(400, "The submission is not valid",
                [new ValidationError("event.type", $"a {type} is sent by {who}; {sender} is {agency.Type}")]);
        }

        var inReplyTo = reply.Event.InReplyTo ?? throw new InvalidOperationException("the contract requires event.inReplyTo on a reply");
        var origin = store.Snapshot(tx => tx.Responses.Addressed(inReplyTo, sender));
        if (origin is null || origin.Status == MessageStatus.Cancelled)
        {
            // Whether the message does not exist or is another agency's, the answer is the same.
            await audit.RefusedAsync(sender, reply.SubmissionId, "reply to a message not addressed to the sender", 1).ConfigureAwait(false);
            return SubmissionAcceptance.Problem(404, $"no message {inReplyTo} addressed to {sender}",
                [new ValidationError("event.inReplyTo", "not a message this agency received")]);
        }

        if (!Answers(type, origin.EventType))
        {
            await audit.RefusedAsync(sender, reply.SubmissionId, "reply to a message of another event type", 1).ConfigureAwait(false);
            var expected = type == EventTypes.ReceptionReply ? "a reception" : "a release or release-notice";
            return SubmissionAcceptance.Problem(400, "The submission is not valid",
                [new ValidationError("event.inReplyTo", $"message {inReplyTo} is a {origin.EventType}; a {type} answers {expected} message")]);
        }

        var (originKeys, memory, lines) = store.Snapshot(tx =>
        {
            var personKeys = tx.Submissions.PersonKeysOf(inReplyTo);
            return (personKeys, tx.Submissions.Remembered(personKeys), tx.Submissions.Track(origin.SubmissionId));
        });

        // A reply names its person: it must be the person of the message it answers, or a GP who pasted the wrong message
        // id would send one person's prescribing record to the prison holding another.
        var replyKeys = personKeys.For(reply.Client ?? throw new InvalidOperationException("the contract requires client on a reply"));
        if (SamePerson(replyKeys, originKeys) is { } mismatch)
        {
            await audit.RefusedAsync(sender, reply.SubmissionId, "reply about another person than the message it answers", 1).ConfigureAwait(false);
            return SubmissionAcceptance.Problem(400, "The submission is not valid",
                [new ValidationError(mismatch, $"does not match the person of message {inReplyTo}: check the message id and the person")]);
        }

        var keys = originKeys.Union(replyKeys, StringComparer.Ordinal).ToList();
        var recipients = Recipients(type, origin, memory, lines, sender);
        if (recipients.Count == 0)
        {
            await audit.RefusedAsync(sender, reply.SubmissionId, "reply with no recipient", 1).ConfigureAwait(false);
            return SubmissionAcceptance.Problem(409, $"the agency that sent message {inReplyTo} is no longer in the agency directory; the reply cannot be delivered",
                [new ValidationError("event.inReplyTo", "its sender is no longer in the agency directory")]) with { Refusal = SubmissionRefusals.Routing };
        }

        var document = mapper.MapToUtf8(reply, []);
        var decisions = new List<RecipientDecision>();
        var consentDecisions = new List<ConsentDecision>();
        var messages = new List<OutgoingMessage>();
        var responseLines = new JsonArray();
        foreach (var (recipient, decision) in recipients)
        {
            OutgoingMessage? message = null;
            if (decision.MayShare)
            {
                try
                {
                    message = sealer.SealFor(document, recipient.Agency);
                }
                catch (SealingException ex)
                {
                    audit.CertificateProblem(recipient.Agency.Id, null, "cannot seal: " + ex.Message);
                    log.LogError("Cannot seal reply {SubmissionId} for {Recipient}: {Problem}", reply.SubmissionId, recipient.Agency.Id, ex.Message);
                    return SubmissionAcceptance.Problem(503, $"The gateway cannot seal for {recipient.Agency.Id} (certificate problem); nothing was accepted, send again later", []);
                }

                messages.Add(message);
            }

            consentDecisions.Add(decision);
            decisions.Add(new RecipientDecision(recipient.Agency.Id, recipient.Agency.Type, SubmissionAcceptance.OutcomeName(decision.Outcome), decision.Reason,
                message?.MessageId, decision.LegalBasis));
            responseLines.Add(SubmissionAcceptance.ResponseLine(recipient.Agency, decision, message?.MessageId));
        }

        var response = new JsonObject { ["submissionId"] = reply.SubmissionId, ["inReplyTo"] = inReplyTo, ["messages"] = responseLines }.ToJsonString();
        var accepted = new AcceptedSubmission(reply.SubmissionId, sender, type, bodyHash, keys, decisions, messages, response, new KnownAgencies(null, null), null);
        var auditBatch = audit.Accepted(reply, sender, bodyHash, keys, [.. recipients.Select(r => r.Recipient)], consentDecisions, messages);
        var factsWork = ReportFacts.WorkFor(reply, keys);
        var now = time.GetUtcNow();
        var result = await store.InTransactionAsync(tx =>
        {
            var stored = tx.Submissions.Accept(accepted);
            if (stored.Outcome == AcceptOutcome.Accepted)
            {
                var detail = $"{type} {reply.SubmissionId} from {sender}";
                _ = type == EventTypes.ReceptionReply
                    ? tx.Escalations.Close(EscalationKinds.ReceptionReplyDue, origin.SubmissionId, null, EscalationStatus.Answered, detail, now)
                    : tx.Escalations.CloseForPerson(EscalationKinds.EngagementDue, keys, null, EscalationStatus.Answered, detail, now);
                factsWork?.Invoke(tx);
                audit.Append(tx, auditBatch);
            }

            return stored;
        }).ConfigureAwait(false);
        if (result.Outcome == AcceptOutcome.Conflict)
        {
            return SubmissionAcceptance.Problem(409, $"submissionId {reply.SubmissionId} was already used for a different submission",
                [new ValidationError("submissionId", "already used for a different body")]);
        }

        storage.Succeeded();
        if (result.Outcome == AcceptOutcome.Accepted)
        {
            metrics.Queued(messages, type);
            log.LogInformation("Accepted {EventType} {SubmissionId} from {Sender} in reply to message {InReplyTo}: {Messages} message(s)",
                type, reply.SubmissionId, sender, inReplyTo, messages.Count);
        }

        return new SubmissionAnswer(202, "application/json", result.Response, reply.SubmissionId,
            result.Outcome == AcceptOutcome.Accepted ? [.. messages.Select(m => m.MessageId)] : null);
    }

    // Null when the reply's keys name the same person as the message's: an NHS number on both must match, and otherwise at
    // least one key (the prison number) must; else the field to correct.
    private static string? SamePerson(IReadOnlyList<string> replyKeys, IReadOnlyList<string> originKeys)
    {
        static string? Nhs(IReadOnlyList<string> keys) => keys.FirstOrDefault(k => k.StartsWith(PersonKeys.NhsPrefix, StringComparison.Ordinal));
        if (Nhs(replyKeys) is { } replyNhs && Nhs(originKeys) is { } originNhs)
        {
            return replyNhs == originNhs ? null : "client.nhsNumber";
        }

        return replyKeys.Intersect(originKeys, StringComparer.Ordinal).Any() ? null : Nhs(replyKeys) is null ? "client.prisonNumber" : "client.nhsNumber";
    }

    private static bool Answers(string replyType, string originType) => replyType == EventTypes.ReceptionReply
        ? originType == EventTypes.Reception
        : originType is EventTypes.Release or EventTypes.ReleaseNotice;

    // A reception reply: the prison that sent the reception, nobody else, always: the person is in its custody now and
    // is dosed on what the reply says. An engagement report: the releasing prison and the person's GP, each unless the
    // person has withdrawn consent since: they are released, so it is their continuing care, not custody.
    private List<(Recipient Recipient, ConsentDecision Decision)> Recipients(string type, AddressedMessage origin, PersonMemory? memory, IReadOnlyList<TrackingLine> originLines, string sender)
    {
        var list = new List<(Recipient, ConsentDecision)>();
        if (directory.Find(origin.Sender) is { } prison)
        {
            list.Add((new Recipient(prison, "event.inReplyTo"), type == EventTypes.ReceptionReply
                ? new ConsentDecision(prison.Type, ConsentOutcome.Shared, $"A reply to {prison.Id}'s reception request, for the direct care of a person in its custody.", DirectCare)
                : Engagement(prison, memory, $"An engagement report to {prison.Id}, which released the person, for their continuing care.")));
        }

        var gpId = memory?.Agencies.GpPractice ?? originLines.FirstOrDefault(l => l.RecipientType == AgencyTypes.Gp)?.Recipient;
        if (type == EventTypes.Engagement && gpId is not null && gpId != sender && directory.Find(gpId) is { Type: AgencyTypes.Gp } gp)
        {
            list.Add((new Recipient(gp, "known.gpPractice"), Engagement(gp, memory, "An engagement report to the person's GP, for their direct care.")));
        }

        return list;
    }

    // The person's newest record decides (a withdrawal there lists every type as not shared; consent given again since
    // lists fewer). The releasing prison holds the record it sent whatever the consent to share with prisons, so only a
    // withdrawal stops its copy; the GP's copy stops too when the newest record no longer shares with GPs.
    private static ConsentDecision Engagement(Agency agency, PersonMemory? memory, string why)
    {
        var notShared = memory?.NotShared ?? [];
        var withdrawn = AllTypes.All(t => notShared.Contains(t, StringComparer.Ordinal));
        if (withdrawn)
        {
            return new ConsentDecision(agency.Type, ConsentOutcome.Withdrawn, "The person withdrew consent: the engagement report is not shared.");
        }

        return agency.Type != AgencyTypes.Prison && notShared.Contains(agency.Type, StringComparer.Ordinal)
            ? new ConsentDecision(agency.Type, ConsentOutcome.Withdrawn, $"The person's newest record no longer shares with {agency.Type} recipients.")
            : new ConsentDecision(agency.Type, ConsentOutcome.Shared, why, DirectCare);
    }
}
