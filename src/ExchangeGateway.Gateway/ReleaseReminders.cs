using System.Text;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Fires the release schedule's due entries. A reminder maps the stored notice again for each release recipient (deciding
/// consent again, since it may have been withdrawn meanwhile), seals it and queues it as new outbox messages under the
/// notice's submission id; an overdue check (no <c>release</c> by noon on the planned day) seals an overdue-release alert
/// to the CJIT and leaves the entry overdue; a prompt (six weeks, confirm the plan) seals a plain-text alert to the releasing
/// prison. An entry is settled and its messages queued in one transaction, so after a
/// crash a due entry fires once, on the next run.
/// </summary>
public sealed class ReleaseReminders(
    ReleasePlanning planning,
    IGatewayStore store,
    AgencyDirectory directory,
    ReleaseSummaryMapper mapper,
    OverdueReleaseAlertMapper alerts,
    EscalationAlertMapper prompts,
    PackageSealer sealer,
    PushDelivery push,
    GatewayAudit audit,
    TimeProvider time,
    StorageHealth storage,
    GatewayMetrics metrics,
    ILogger<ReleaseReminders> log) : ScheduleWorker<DueEntry>(store, push, audit, storage, metrics, time, log)
{
    /// <summary>The event type the prompts to the releasing prison are stored and listed under.</summary>
    public const string PromptEventType = "release-prompt";

    /// <inheritdoc/>
    protected override string What => "release schedule entries";

    /// <inheritdoc/>
    protected override IReadOnlyList<DueEntry> Due(DateTimeOffset now) => Store.Snapshot(tx => tx.Schedule.Due(now));

    /// <inheritdoc/>
    protected override string Describe(DueEntry due) => $"Schedule entry {due.Entry.EntryId} ({due.Entry.Kind})";

    /// <inheritdoc/>
    protected override bool Fire(DueEntry due, DateTimeOffset now)
    {
        var entry = due.Entry;
        var reminder = ReleaseMilestoneKinds.IsReminder(entry.Kind);
        var prompt = ReleaseMilestoneKinds.IsPrompt(entry.Kind);
        var read = SubmissionReader.Read(Encoding.UTF8.GetBytes(due.SubmissionJson));
        var decisions = new List<RecipientDecision>();
        var messages = new List<OutgoingMessage>();
        PersonMemory? memory = null;
        string detail;
        if (!read.IsValid)
        {
            // Only if the contract's rules changed since the notice was accepted; nothing can be mapped from it.
            Log.LogError("Schedule entry {EntryId}: the stored notice {SubmissionId} no longer reads as a valid submission", entry.EntryId, entry.SubmissionId);
            detail = "the stored notice no longer reads as a valid submission; nothing sent";
        }
        else
        {
            var notice = read.Submission!;
            memory = Store.Snapshot(tx => tx.Submissions.Remembered(entry.PersonKeys));
            var flags = SafetyFlags.Raise(notice, planning.FirstNotifiedAt(notice, entry.PersonKeys));
            if (entry.Kind == ReleaseMilestoneKinds.DayOf && ReleaseTimeline.LocalDate(entry.DueAt, planning.Zone) != entry.ReleaseDate)
            {
                flags = [.. flags, new SafetyFlag(ReleaseTimeline.ReminderSentEarlyFlag,
                    $"The release is on {entry.ReleaseDate:dddd d MMMM yyyy}, which is not a working day: this day-of reminder is sent on the last working day before it.")];
            }

            var agencies = entry.Recipients.Select(directory.Find).OfType<Agency>().Where(a => reminder || prompt || a.Type == AgencyTypes.Cjit).ToList();
            foreach (var agency in agencies)
            {
                // A prompt to the prison that sent the record is about its own record.
                var decision = prompt && agency.Id == notice.Event.From
                    ? new ConsentDecision(agency.Type, ConsentOutcome.Shared, "A prompt to the prison that sent the record, about its own record.")
                    : ConsentNow.Decide(notice, agency.Type, memory);
                string? messageId = null;
                if (decision.Outcome is ConsentOutcome.Shared or ConsentOutcome.Overridden)
                {
                    var minimised = RecordMinimiser.For(notice, agency.Type);
                    var document = reminder ? mapper.MapToJson(minimised, flags)
                        : prompt ? prompts.MapToJson(minimised, entry.Kind, ReleasePromptText.For(entry.Kind, entry.ReleaseDate, notice), $"{entry.SubmissionId}/{entry.Kind}/{entry.EntryId}", now)
                        : alerts.MapToJson(minimised, entry.ReleaseDate, now);
                    var message = sealer.SealFor(Encoding.UTF8.GetBytes(document), agency);
                    messageId = message.MessageId;
                    messages.Add(message);
                }

                decisions.Add(new RecipientDecision(agency.Id, agency.Type, SubmissionAcceptance.OutcomeName(decision.Outcome), decision.Reason, messageId,
                    decision.LegalBasis, decision.AuthorisedBy, decision.Justification));
            }

            detail = Describe(entry, decisions, reminder || prompt);
        }

        var status = reminder || prompt ? ScheduleStatus.Done : ScheduleStatus.Overdue;
        var eventType = reminder ? read.Submission?.Event.Type ?? EventTypes.ReleaseNotice : prompt ? PromptEventType : OverdueReleaseAlertMapper.DocumentType;
        // A release or a newer notice that settled the entry after it was read leaves nothing to send; a notice that no
        // longer reads has no consent to decide, so only then does the memory not matter.
        if (!Commit(new ScheduleEntryRef(entry.EntryId, entry.Kind, entry.SubmissionId, entry.PersonKeys), eventType, memory, memoryMatters: read.IsValid,
            tx => tx.Schedule.Complete(entry.EntryId, status, detail, now), decisions, messages))
        {
            return false;
        }

        if (reminder || prompt)
        {
            Log.LogInformation("Release reminder {EntryId} ({Kind}) for submission {SubmissionId}: {Queued} message(s) queued, {Withheld} withheld",
                entry.EntryId, entry.Kind, entry.SubmissionId, messages.Count, decisions.Count - messages.Count);
        }
        else
        {
            Log.LogWarning("Release planned for {ReleaseDate:yyyy-MM-dd} under submission {SubmissionId} is overdue: {Detail}", entry.ReleaseDate, entry.SubmissionId, detail);
        }

        return true;
    }

    private static string Describe(ScheduleEntry entry, List<RecipientDecision> decisions, bool reminder)
    {
        var sent = decisions.Where(d => d.MessageId is not null).Select(d => d.Recipient).ToList();
        var withheld = decisions.Where(d => d.MessageId is null).Select(d => $"{d.Recipient} ({d.Outcome})").ToList();
        var unknown = entry.Recipients.Except(decisions.Select(d => d.Recipient), StringComparer.Ordinal).ToList();
        var parts = new List<string>();
        if (!reminder)
        {
            parts.Add($"no release by {ReleaseTimeline.OverdueCheckTime:HH:mm} on {entry.ReleaseDate:yyyy-MM-dd}");
            if (decisions.Count == 0)
            {
                parts.Add("no CJIT to alert");
            }
        }

        if (sent.Count > 0)
        {
            parts.Add((reminder ? "sent to " : "alert sent to ") + string.Join(", ", sent));
        }

        if (withheld.Count > 0)
        {
            parts.Add("withheld from " + string.Join(", ", withheld));
        }

        if (reminder && unknown.Count > 0)
        {
            parts.Add("no longer in the agency directory: " + string.Join(", ", unknown));
        }

        return parts.Count == 0 ? "nothing to send" : string.Join("; ", parts);
    }
}
