using System.Text;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Fires the escalations whose deadline passed with the loop still open: for each agency to alert, the record the
/// escalation is about is cut down for it, mapped to an alert document with the plain text of what is missing, sealed
/// and queued. The entry is settled and its alerts queued in one transaction, so an answer racing the deadline on
/// another instance either closes it first (no alert) or finds it escalated; after a crash it fires on the next run.
/// </summary>
public sealed class EscalationAlerts(
    IGatewayStore store,
    AgencyDirectory directory,
    EscalationAlertMapper alerts,
    PackageSealer sealer,
    PushDelivery push,
    GatewayAudit audit,
    ReleasePlanning planning,
    TimeProvider time,
    StorageHealth storage,
    GatewayMetrics metrics,
    ILogger<EscalationAlerts> log) : ScheduleWorker<DueEscalation>(store, push, audit, storage, metrics, time, log)
{
    /// <summary>The event type the alerts are stored and listed under.</summary>
    public const string AlertEventType = "escalation-alert";

    /// <inheritdoc/>
    protected override string What => "escalations";

    /// <inheritdoc/>
    protected override IReadOnlyList<DueEscalation> Due(DateTimeOffset now) => Store.Snapshot(tx => tx.Escalations.Due(now));

    /// <inheritdoc/>
    protected override string Describe(DueEscalation due) => $"Escalation {due.Entry.EntryId} ({due.Entry.Kind})";

    /// <inheritdoc/>
    protected override bool Fire(DueEscalation due, DateTimeOffset now)
    {
        var entry = due.Entry;
        var read = SubmissionReader.Read(Encoding.UTF8.GetBytes(due.SourceJson));
        var source = read.Submission ?? throw new InvalidOperationException($"the record of escalation {entry.EntryId} no longer reads as a valid submission");
        var (memory, lines) = Store.Snapshot(tx => (tx.Submissions.Remembered(entry.PersonKeys), tx.Submissions.Track(entry.SubmissionId)));
        if (Stopped(source, entry, memory) is { } why)
        {
            // Withdrawal stops every future message about the person, alerts included; and nobody is asked to chase an
            // agency the person no longer shares with.
            return Store.InTransaction(tx =>
            {
                var closed = tx.Escalations.Close(entry.Kind, entry.SubmissionId, entry.WatchRecipient, EscalationStatus.Withdrawn, why, now);
                Log.LogInformation("Escalation {Kind} for submission {SubmissionId} settled without an alert: consent", entry.Kind, entry.SubmissionId);
                return closed.Contains(entry.EntryId);
            });
        }

        var text = EscalationText.For(entry, source, lines, directory, planning.Zone);
        var decisions = new List<RecipientDecision>();
        var messages = new List<OutgoingMessage>();
        foreach (var agency in entry.Recipients.Select(directory.Find).OfType<Agency>())
        {
            var decision = agency.Id == source.Event.From
                ? new ConsentDecision(agency.Type, ConsentOutcome.Shared, "An alert to the agency that sent the record, about its own record.")
                : ConsentNow.Decide(source, agency.Type, memory);
            string? messageId = null;
            if (decision.MayShare)
            {
                var document = alerts.MapToJson(RecordMinimiser.For(source, agency.Type), entry.Kind, text, $"{entry.SubmissionId}/{entry.Kind}/{entry.EntryId}", now);
                try
                {
                    var message = sealer.SealFor(Encoding.UTF8.GetBytes(document), agency);
                    messages.Add(message);
                    messageId = message.MessageId;
                }
                catch (SealingException ex)
                {
                    // One agency's certificate problem must not hold back the alert to the others.
                    Trail.CertificateProblem(agency.Id, null, "cannot seal: " + ex.Message);
                    Log.LogError("Cannot seal escalation alert {EntryId} for {Recipient}: {Problem}", entry.EntryId, agency.Id, ex.Message);
                    decision = new ConsentDecision(agency.Type, ConsentOutcome.Withheld, "The gateway cannot seal for this agency (certificate problem).");
                }
            }

            decisions.Add(new RecipientDecision(agency.Id, agency.Type, SubmissionAcceptance.OutcomeName(decision.Outcome), decision.Reason, messageId,
                decision.LegalBasis, decision.AuthorisedBy, decision.Justification));
        }

        var detail = decisions.Count == 0
            ? "nobody to alert: no recipient is in the agency directory"
            : string.Join("; ", decisions.Select(d => d.MessageId is null ? $"withheld from {d.Recipient} ({d.Outcome})" : $"alert sent to {d.Recipient}"));
        // An answer that arrived (or another instance that fired it) after the entry was read leaves nothing to send.
        if (!Commit(new ScheduleEntryRef(entry.EntryId, entry.Kind, entry.SubmissionId, entry.PersonKeys), AlertEventType, memory, memoryMatters: true,
            tx => tx.Escalations.Escalate(entry.EntryId, detail, now), decisions, messages))
        {
            return false;
        }

        Log.LogWarning("Escalation {Kind} for submission {SubmissionId} fired: {Detail}", entry.Kind, entry.SubmissionId, detail);
        return true;
    }

    // Why the escalation ends without an alert, or null when it fires.
    private string? Stopped(Submission source, EscalationEntry entry, PersonMemory? memory)
    {
        if (ConsentNow.Withdrawn(source, memory))
        {
            return "no alert: the person withdrew consent";
        }

        return entry.WatchRecipient is { } watched && directory.Find(watched) is { } agency && memory?.NotShared?.Contains(agency.Type, StringComparer.Ordinal) == true
            ? $"no alert: the person's newest record no longer shares with {agency.Type} recipients"
            : null;
    }
}
