using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>How a submission was answered: the HTTP status and its JSON body.</summary>
public sealed record SubmissionAnswer(int Status, string ContentType, string Body, string? SubmissionId = null, IReadOnlyList<string>? NewMessageIds = null)
{
    /// <summary>The refusal's reason code for metrics (<see cref="SubmissionRefusals"/>) where the status alone does not tell it.</summary>
    public string? Refusal { get; init; }
}

/// <summary>
/// Turns one submission body from an authenticated sender into stored, sealed, per-recipient packages: intake,
/// sender check, routing, consent, minimisation, mapping, sealing, then one outbox transaction. Only after that
/// transaction commits does the sender hear 202. An unplanned release of a person on OST without bridging also seals an
/// unplanned-release alert to the CJIT it is shared with, queued in the same transaction under the submission.
/// </summary>
public sealed class SubmissionAcceptance(
    AgencyDirectory directory,
    ReleaseSummaryMapper mapper,
    UnplannedReleaseAlertMapper unplannedAlerts,
    PackageSealer sealer,
    IGatewayStore store,
    IPersonKeys personKeys,
    GatewayAudit audit,
    ReleasePlanning releasePlanning,
    ReplyAcceptance replies,
    LoopWatch loop,
    TimeProvider time,
    StorageHealth storage,
    GatewayMetrics metrics,
    ILogger<SubmissionAcceptance> log)
{
    private static readonly JsonSerializerOptions ResponseJson = new() { WriteIndented = false };

    /// <summary>Checks and accepts a submission body sent by <paramref name="sender"/> (the agency named by its client certificate).</summary>
    public async Task<SubmissionAnswer> AcceptAsync(byte[] body, string sender)
    {
        ArgumentNullException.ThrowIfNull(body);
        var intake = SubmissionReader.Read(body, DateOnly.FromDateTime(time.GetLocalNow().DateTime));
        if (!intake.IsValid)
        {
            await audit.RefusedAsync(sender, null, "invalid submission", intake.Errors.Count).ConfigureAwait(false);
            return Problem(400, "The submission is not valid", intake.Errors);
        }

        var submission = intake.Submission!;
        if (directory.Find(sender) is null)
        {
            await audit.RefusedAsync(sender, submission.SubmissionId, "sender not in the agency directory", 0).ConfigureAwait(false);
            return Problem(403, $"Agency {sender} is not in the agency directory", []);
        }

        if (!string.Equals(submission.Event.From, sender, StringComparison.Ordinal))
        {
            await audit.RefusedAsync(sender, submission.SubmissionId, "event.from is not the sender", 0).ConfigureAwait(false);
            return Problem(403, $"event.from is {submission.Event.From} but the client certificate is {sender}'s; an agency can send only as itself", []);
        }

        var canonical = SubmissionJson.Serialize(submission);
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        var earlier = store.Snapshot(tx => tx.Submissions.Find(submission.SubmissionId));
        if (earlier is not null)
        {
            return Repeat(earlier.BodyHash == bodyHash, earlier.Sender == sender, earlier.Response, submission.SubmissionId);
        }

        if (submission.Dir is null)
        {
            // A reply names no recipient: it is routed from the message it answers.
            return await replies.AcceptAsync(submission, sender, bodyHash).ConfigureAwait(false);
        }

        // Routing and consent are decided outside the transaction (sealing is the slow part); the store refuses the
        // decision if another instance changed what is remembered about the person meanwhile, and it is made again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DecideAsync(submission, sender, canonical, bodyHash).ConfigureAwait(false);
            }
            catch (StaleDecisionException) when (attempt < 3)
            {
                log.LogInformation("Submission {SubmissionId} decided again: the person's record changed meanwhile", submission.SubmissionId);
            }
            catch (StaleDecisionException ex)
            {
                throw new StorageUnavailableException("the person's record kept changing while the submission was decided; send it again", ex);
            }
        }
    }

    private async Task<SubmissionAnswer> DecideAsync(Submission submission, string sender, string canonical, string bodyHash)
    {
        var dir = submission.Dir ?? throw new InvalidOperationException("only a submission with a DIR reaches routing");
        var keys = personKeys.For(dir.Client);
        var memory = store.Snapshot(tx => tx.Submissions.Remembered(keys));
        var routing = RecipientRouter.Route(submission, directory, memory?.Agencies);
        if (routing.Errors.Count > 0)
        {
            await audit.RefusedAsync(sender, submission.SubmissionId, "routing", routing.Errors.Count).ConfigureAwait(false);
            return Problem(400, "The submission names agencies the gateway cannot route to", routing.Errors) with { Refusal = SubmissionRefusals.Routing };
        }

        var withdrawnEarlier = memory?.WithdrawnAt is { } withdrawnAt && !ConsentedSince(dir.Consent, withdrawnAt);
        var flags = SafetyFlags.Raise(submission, releasePlanning.FirstNotifiedAt(submission, keys));
        var raisesAlert = UnplannedReleaseAlert.IsRaisedBy(submission);
        var acceptedAt = time.GetUtcNow();
        var decisions = new List<RecipientDecision>();
        var messages = new List<OutgoingMessage>();
        var alerts = new List<OutgoingMessage>();
        var consentDecisions = new List<ConsentDecision>();
        var lines = new JsonArray();
        // Recipient types that see the same cut (a GP and a community provider) get the same document, mapped once.
        var documents = new Dictionary<RecordView, (Submission Minimised, byte[] Document)>();
        foreach (var recipient in routing.Recipients)
        {
            var agency = recipient.Agency;
            var decision = withdrawnEarlier
                ? new ConsentDecision(agency.Type, ConsentOutcome.Withdrawn, "The person withdrew consent earlier and has not consented again since.")
                : ConsentPolicy.Decide(submission, agency.Type);
            consentDecisions.Add(decision);
            string? messageId = null;
            if (decision.Outcome is ConsentOutcome.Shared or ConsentOutcome.Overridden)
            {
                var view = RecordMinimiser.ViewOf(agency.Type);
                if (!documents.TryGetValue(view, out var cut))
                {
                    var copy = RecordMinimiser.For(submission, view);
                    cut = documents[view] = (copy, mapper.MapToUtf8(copy, flags));
                }

                var (minimised, document) = cut;
                OutgoingMessage message;
                try
                {
                    message = sealer.SealFor(document, agency);

                    // The alert goes only where the CJIT's own copy goes: it is shared under the same consent decision.
                    if (raisesAlert && agency.Type == AgencyTypes.Cjit)
                    {
                        alerts.Add(sealer.SealFor(Encoding.UTF8.GetBytes(unplannedAlerts.MapToJson(minimised, acceptedAt)), agency));
                    }
                }
                catch (SealingException ex)
                {
                    // Nothing is stored: the sender may send again once the agency's certificate is fixed.
                    audit.CertificateProblem(agency.Id, null, "cannot seal: " + ex.Message);
                    log.LogError("Cannot seal submission {SubmissionId} for {Recipient}: {Problem}", submission.SubmissionId, agency.Id, ex.Message);
                    return Problem(503, $"The gateway cannot seal for {agency.Id} (certificate problem); nothing was accepted, send again later", []);
                }

                messageId = message.MessageId;
                messages.Add(message);
            }

            decisions.Add(new RecipientDecision(agency.Id, agency.Type, OutcomeName(decision.Outcome), decision.Reason, messageId,
                decision.LegalBasis, decision.AuthorisedBy, decision.Justification));
            lines.Add(ResponseLine(agency, decision, messageId));
        }

        var response = new JsonObject { ["submissionId"] = submission.SubmissionId, ["messages"] = lines }.ToJsonString(ResponseJson);
        var remember = new KnownAgencies(dir.Client.GpPractice, dir.ReleasePlan?.CjitArea, dir.ReleasePlan?.CommunityProvider);
        var accepted = new AcceptedSubmission(submission.SubmissionId, sender, submission.Event.Type, bodyHash, keys, decisions, messages, response, remember,
            dir.Consent.WithdrawnAt, ConsentPolicy.TypesNotShared(submission), new DecidedOn(memory));
        var scheduleWork = releasePlanning.WorkFor(submission, keys, routing.Recipients, canonical);
        var loopWork = loop.WorkFor(submission, keys, messages, canonical);
        var factsWork = ReportFacts.WorkFor(submission, keys);
        var auditBatch = audit.Accepted(submission, sender, bodyHash, keys, routing.Recipients, consentDecisions, messages, alerts);
        // Awaited, not blocked on: under load the request waits for the writer (and shares its commit) without a thread.
        var result = await store.InTransactionAsync(transaction =>
        {
            var stored = transaction.Submissions.Accept(accepted);
            if (stored.Outcome == AcceptOutcome.Accepted)
            {
                if (stored.Cancelled.Count > 0)
                {
                    audit.Withdrawn(transaction, submission.SubmissionId, keys, stored.Cancelled);
                }

                // Under its own event type, not the release's: an alert is not a record to accept, answer or reply to.
                if (alerts.Count > 0)
                {
                    transaction.Submissions.Enqueue(submission.SubmissionId, UnplannedReleaseAlertMapper.DocumentType, keys, alerts);
                }

                // Row writes before the audit chain's lock, which every instance's appends wait on.
                scheduleWork?.Invoke(transaction);
                loopWork?.Invoke(transaction);
                factsWork?.Invoke(transaction);
                audit.Append(transaction, auditBatch);
            }

            return stored;
        }).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case AcceptOutcome.Accepted:
                storage.Succeeded();
                metrics.Queued(messages, submission.Event.Type);
                metrics.Queued(alerts, UnplannedReleaseAlertMapper.DocumentType);
                log.LogInformation(
                    "Accepted submission {SubmissionId} ({EventType}) from {Sender}: {Messages} message(s), {Alerts} alert(s), {Withheld} withheld, {Cancelled} cancelled by withdrawal",
                    submission.SubmissionId, submission.Event.Type, sender, messages.Count, alerts.Count, decisions.Count - messages.Count, result.Cancelled.Count);
                return new SubmissionAnswer(202, "application/json", result.Response, submission.SubmissionId, [.. messages.Concat(alerts).Select(m => m.MessageId)]);
            case AcceptOutcome.Repeated:
                return new SubmissionAnswer(202, "application/json", result.Response, submission.SubmissionId);
            default:
                return Conflict(submission.SubmissionId);
        }
    }

    /// <summary>One recipient's line in the answer to a submission: its message, or why nothing was sent.</summary>
    internal static JsonObject ResponseLine(Agency agency, ConsentDecision decision, string? messageId)
    {
        var line = new JsonObject { ["recipient"] = agency.Id, ["recipientType"] = agency.Type };
        if (messageId is not null)
        {
            line["messageId"] = messageId;
            line["status"] = MessageStatus.Queued;
        }
        else
        {
            line["status"] = "withheld";
            line["reason"] = decision.Reason;
        }

        if (decision.Outcome == ConsentOutcome.Overridden || decision.LegalBasis == ReplyAcceptance.DirectCare)
        {
            line["legalBasis"] = decision.LegalBasis;
        }

        return line;
    }

    private SubmissionAnswer Repeat(bool sameBody, bool sameSender, string response, string submissionId)
    {
        if (!sameSender)
        {
            // Another agency's id: say nothing about what it holds.
            return Conflict(submissionId);
        }

        return sameBody ? new SubmissionAnswer(202, "application/json", response, submissionId) : Conflict(submissionId);
    }

    private static SubmissionAnswer Conflict(string submissionId) =>
        Problem(409, $"submissionId {submissionId} was already used for a different submission", [new ValidationError("submissionId", "already used for a different body")]);

    /// <summary>True when the consent was recorded again after an earlier withdrawal (and not withdrawn itself).</summary>
    internal static bool ConsentedSince(Consent consent, string withdrawnAt) =>
        consent.WithdrawnAt is null
        && DateTimeOffset.TryParse(consent.RecordedAt, System.Globalization.CultureInfo.InvariantCulture, out var recorded)
        && DateTimeOffset.TryParse(withdrawnAt, System.Globalization.CultureInfo.InvariantCulture, out var withdrawn)
        && recorded > withdrawn;

    /// <summary>The string a consent outcome is stored and shown as.</summary>
    public static string OutcomeName(ConsentOutcome outcome) => outcome switch
    {
        ConsentOutcome.Shared => "shared",
        ConsentOutcome.Overridden => "override",
        ConsentOutcome.Withdrawn => "withdrawn",
        _ => "withheld",
    };

    /// <summary>An RFC 9457 problem document listing every error with its path.</summary>
    public static SubmissionAnswer Problem(int status, string title, IReadOnlyList<ValidationError> errors)
    {
        var list = new JsonArray();
        foreach (var error in errors)
        {
            list.Add(new JsonObject { ["path"] = error.Path, ["reason"] = error.Reason });
        }

        var problem = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["errors"] = list,
        };
        return new SubmissionAnswer(status, "application/problem+json", problem.ToJsonString(ResponseJson));
    }
}
