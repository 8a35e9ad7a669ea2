using System.Text;
using System.Text.Json;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Mesh;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Reads the gateway's MESH inbox and tracks what it sent. <c>DATA</c> messages are agencies' answers, reception replies
/// and engagement reports, signed by the agency (CMS SignedData: MESH vouches for the mailbox, not the author); each is
/// checked (the signer must be the agency <c>mex-From</c> belongs to) and taken exactly as the HTTPS API takes it, then
/// acknowledged only after it is committed, so a crash before the acknowledgement brings it back, and taking it again
/// is recognised as a repeat. A <c>REPORT</c> of non-delivery, or tracking that says undeliverable, expires the message
/// (its sender sees undeliverable); tracking that says acknowledged acknowledges it.
/// </summary>
public sealed class MeshInbox(
    MeshMailbox mailbox, IGatewayStore store, AgencyDirectory directory, TrustStore trust, SubmissionAcceptance submissions,
    ResponseAcceptance responses, PushDelivery push, GatewayAudit audit, StorageHealth storage, GatewayMetrics metrics, TimeProvider time,
    ILogger<MeshInbox> log) : BackgroundService
{
    private const int TrackedPerRound = 100;

    /// <summary>Rounds a message may fail in before it is dropped (audited), so one that can never be taken does not come back for 5 days.</summary>
    public const int MaxFailedRounds = 5;

    private readonly SignedPackageVerifier verifier = new(trust, time);
    private readonly Dictionary<string, int> failedRounds = new(StringComparer.Ordinal);
    private DateTimeOffset? lastHandshake;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (StorageHealth.IsFault(ex))
            {
                storage.Failed(ex, "reading the MESH inbox");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // MESH unreachable or refusing: everything stays where it is (in MESH's inbox, in our outbox) until the next round.
                log.LogWarning("MESH inbox round failed: {Problem}", ex is MeshException ? ex.Message : ex.GetType().Name);
            }

            try
            {
                await Task.Delay(mailbox.Options.PollInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One round: every message in the inbox, then the tracking of unsettled sent messages.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // MESH asks every mailbox for a handshake at least once a day.
        if (lastHandshake is not { } last || time.GetUtcNow() - last >= TimeSpan.FromDays(1))
        {
            await mailbox.Client.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            lastHandshake = time.GetUtcNow();
        }

        foreach (var id in await mailbox.Client.InboxAsync(cancellationToken).ConfigureAwait(false))
        {
            bool settled;
            try
            {
                var message = await mailbox.Client.DownloadAsync(id, SignedPackageVerifier.MaxBytes, cancellationToken).ConfigureAwait(false);
                settled = message.MessageType.Equals(MeshIncoming.Report, StringComparison.OrdinalIgnoreCase)
                    ? await ReportAsync(message).ConfigureAwait(false)
                    : await DataAsync(message).ConfigureAwait(false);
                failedRounds.Remove(id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !StorageHealth.IsFault(ex))
            {
                // One message that cannot be taken (a failed download, a fault of ours) stays in the inbox for the next
                // round without holding up the rest; a storage fault ends the round.
                var problem = ex is MeshException ? ex.Message : ex.GetType().Name;
                log.LogWarning("MESH message {MeshId} not taken this round: {Problem}", id, problem);
                await GiveUpAfterRepeatedFailuresAsync(id, problem, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (settled)
            {
                try
                {
                    await mailbox.Client.AcknowledgeAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MeshException or HttpRequestException)
                {
                    // Taken and committed: it comes back next round and is recognised as a repeat.
                    log.LogWarning("MESH message {MeshId} was taken but its acknowledgement failed ({Problem}); it will be taken again as a repeat", id, ex.Message);
                }
            }
        }

        await TrackAsync(cancellationToken).ConfigureAwait(false);
    }

    // Each unsettled message is asked about once a tracking interval, least recently asked first.
    private async Task TrackAsync(CancellationToken cancellationToken)
    {
        var unsettled = await store.InTransactionAsync(tx => tx.Mesh.Unsettled(TrackedPerRound, time.GetUtcNow() - mailbox.Options.TrackingInterval)).ConfigureAwait(false);
        foreach (var sent in unsettled)
        {
            MeshTracking tracking;
            try
            {
                tracking = await mailbox.Client.TrackAsync(sent.MeshMessageId, cancellationToken).ConfigureAwait(false);
            }
            catch (MeshException ex)
            {
                // One message MESH cannot say anything of must not stop the tracking of the others.
                log.LogWarning("MESH tracking of {MessageId} failed: {Problem}", sent.MessageId, ex.Message);
                await store.InTransactionAsync(tx => { tx.Mesh.MarkTracked(sent.MessageId); return 0; }).ConfigureAwait(false);
                continue;
            }

            if (tracking.IsUndeliverable)
            {
                await UndeliverableAsync(sent, $"MESH tracking says undeliverable ({tracking.StatusCode}: {tracking.StatusDescription})").ConfigureAwait(false);
                continue;
            }

            await store.InTransactionAsync(tx =>
            {
                tx.Mesh.MarkTracked(sent.MessageId);
                if (tracking.IsAcknowledged && tx.Mesh.MarkAcknowledged(sent.MessageId))
                {
                    audit.Acknowledged(tx, sent.Recipient, sent.MessageId);
                }

                return 0;
            }).ConfigureAwait(false);
        }
    }

    private async Task GiveUpAfterRepeatedFailuresAsync(string id, string problem, CancellationToken cancellationToken)
    {
        failedRounds[id] = failedRounds.GetValueOrDefault(id) + 1;
        if (failedRounds[id] < MaxFailedRounds)
        {
            return;
        }

        try
        {
            await mailbox.Client.AcknowledgeAsync(id, cancellationToken).ConfigureAwait(false);
            failedRounds.Remove(id);
            audit.CertificateProblem(null, null, $"MESH message {id} could not be taken in {MaxFailedRounds} rounds ({problem}); dropped");
            log.LogError("MESH message {MeshId} could not be taken in {Rounds} rounds ({Problem}); acknowledged and dropped", id, MaxFailedRounds, problem);
        }
        catch (Exception ex) when (ex is MeshException or HttpRequestException)
        {
            log.LogWarning("MESH message {MeshId}: dropping it failed too ({Problem})", id, ex.Message);
        }
    }

    // MESH's report about a message we sent: a failure expires it. True when the report may be acknowledged.
    private async Task<bool> ReportAsync(MeshIncoming report)
    {
        if (report.StatusCode is null or "00" || report.LinkedMessageId is null)
        {
            return true;
        }

        var sent = await store.InTransactionAsync(tx => tx.Mesh.MessageFor(report.LinkedMessageId)).ConfigureAwait(false);
        if (sent is null)
        {
            log.LogWarning("MESH report {Report} is about MESH message {Linked}, which is not one the gateway sent; acknowledged", report.MessageId, report.LinkedMessageId);
            return true;
        }

        await UndeliverableAsync(sent, $"MESH reported it undeliverable ({report.StatusCode}: {report.StatusDescription})").ConfigureAwait(false);
        return true;
    }

    private async Task UndeliverableAsync(MeshSentMessage sent, string reason)
    {
        var expired = await store.InTransactionAsync(tx =>
        {
            if (!tx.Mesh.MarkUndeliverable(sent.MessageId, sent.MeshMessageId, reason))
            {
                return false;
            }

            audit.DeliveryResult(tx, sent.MessageId, sent.Recipient, DeliveryOutcomes.Expired, reason + "; the sender sees undeliverable");
            return true;
        }).ConfigureAwait(false);
        if (expired)
        {
            metrics.Delivery(DeliveryOutcomes.Expired, DeliveryChannel.Mesh, sent.Recipient);
            log.LogWarning("Message {MessageId} to {Recipient} is undeliverable: {Reason}", sent.MessageId, sent.Recipient, reason);
        }
    }

    // An agency's signed answer, reply or report. True when it is settled (taken, a repeat, or refused for good); false
    // when the store could not take it now, so it stays in the inbox for the next round.
    private async Task<bool> DataAsync(MeshIncoming message)
    {
        var agency = directory.All.FirstOrDefault(a => a.Mesh is { } m && m.Mailbox.Equals(message.From, StringComparison.OrdinalIgnoreCase));
        if (agency is null)
        {
            audit.CertificateProblem(null, null, $"MESH message {message.MessageId} came from mailbox {message.From}, which no agency in the directory has; dropped");
            log.LogWarning("MESH message {MeshId} came from a mailbox no agency has; acknowledged and dropped", message.MessageId);
            return true;
        }

        VerifiedContent verified;
        try
        {
            verified = verifier.Verify(message.Content);
        }
        catch (PackageRefusedException ex)
        {
            audit.CertificateProblem(agency.Id, null, $"MESH message {message.MessageId}: its signature was refused ({ex.Refusal.Reason})");
            log.LogWarning("MESH message {MeshId} from {Agency}: signature refused ({Reason}); acknowledged and dropped", message.MessageId, agency.Id, ex.Refusal.Reason);
            return true;
        }

        if (verified.RecipientAgencyId != PackageOpener.GatewayAgencyId)
        {
            // A document signed for someone else (e.g. a package forwarded from another exchange) is not an answer to the gateway.
            audit.CertificateProblem(agency.Id, null, $"MESH message {message.MessageId} is signed for {verified.RecipientAgencyId ?? "no recipient"}, not the gateway; dropped");
            log.LogWarning("MESH message {MeshId} from {Agency} is not signed for the gateway; acknowledged and dropped", message.MessageId, agency.Id);
            return true;
        }

        if (verified.Signer.AgencyId != agency.Id)
        {
            audit.CertificateProblem(agency.Id, null, $"MESH message {message.MessageId} from {agency.Id}'s mailbox is signed by {verified.Signer.AgencyId}; dropped");
            log.LogWarning("MESH message {MeshId} from {Agency}'s mailbox is signed by {Signer}; acknowledged and dropped", message.MessageId, agency.Id, verified.Signer.AgencyId);
            return true;
        }

        var answer = await TakeAsync(verified.Content, agency.Id).ConfigureAwait(false);
        if (answer.Status is 503)
        {
            return false;
        }

        if (answer.NewMessageIds is { Count: > 0 })
        {
            push.Wake();
        }

        if (answer.Status is >= 200 and < 300)
        {
            log.LogInformation("MESH message {MeshId} from {Agency} taken ({Status})", message.MessageId, agency.Id, answer.Status);
        }
        else
        {
            // Nobody waits on the other end of a MESH message for this answer: it is logged (no personal data) and dropped.
            log.LogWarning("MESH message {MeshId} from {Agency} refused ({Status}); acknowledged and dropped", message.MessageId, agency.Id, answer.Status);
        }

        return true;
    }

    /// <summary>
    /// The signed content, taken as the HTTPS API would: <c>{"messageId", "response"}</c> is a business response to that
    /// message; anything else is a submission (a reception reply or an engagement report).
    /// </summary>
    private async Task<SubmissionAnswer> TakeAsync(byte[] content, string sender)
    {
        // JsonDocument, not JsonNode: it reads a body with a key given twice, which the intake then refuses by name.
        (string MessageId, byte[] Response)? answer = null;
        try
        {
            using var json = JsonDocument.Parse(content);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                answer = (id.GetString()!, Encoding.UTF8.GetBytes(response.GetRawText()));
            }
        }
        catch (JsonException)
        {
            // Not JSON: the submission intake refuses it, saying where.
        }

        if (answer is { } given)
        {
            return await responses.AnswerAsync(given.MessageId, given.Response, sender).ConfigureAwait(false);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var accepted = await submissions.AcceptAsync(content, sender).ConfigureAwait(false);
        metrics.Submission(sender, accepted, content.Length, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return accepted;
    }
}
