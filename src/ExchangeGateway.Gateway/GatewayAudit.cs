using System.Security.Cryptography;
using ExchangeGateway.Audit;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// The gateway's side of the audit trail: one method per kind of event. Entries about a stored change are written in
/// the same transaction as the change, so the trail and the outbox never disagree; the rest in a transaction of
/// their own. People appear only as keyed hashes (<see cref="PersonKeys"/>).
/// </summary>
public sealed partial class GatewayAudit(IGatewayStore store, AuditLog log, TimeProvider time)
{
    /// <summary>False only in the benchmark that measures what auditing costs; there is no setting for it.</summary>
    internal bool Recording { get; init; } = true;

    /// <summary>A submission was refused before anything was stored: awaits the writer (and shares its commit) instead of blocking a thread on it.</summary>
    public Task RefusedAsync(string sender, string? submissionId, string reason, int errorCount) =>
        store.InTransactionAsync(tx =>
        {
            Append(tx, new AuditRecord(AuditEventTypes.SubmissionRefused, ActorOf(sender))
            {
                Details = Details(("submissionId", submissionId), ("reason", reason), ("errors", errorCount), ("sender", sender)),
            });
            return true;
        });

    /// <summary>
    /// What accepting a submission writes (received, one consent decision per recipient, one sealed package per message and per
    /// unplanned-release alert, the alert's marked with its kind),
    /// prepared before the accept transaction so that the transaction only chains and inserts it (<see cref="Append(IStoreTransaction, AuditBatch)"/>).
    /// </summary>
    public AuditBatch Accepted(Submission submission, string sender, string bodyHash,
        IReadOnlyList<string> personKeys, IReadOnlyList<Recipient> recipients, IReadOnlyList<ConsentDecision> decisions, IReadOnlyList<OutgoingMessage> messages,
        IReadOnlyList<OutgoingMessage>? alerts = null)
    {
        if (!Recording)
        {
            return AuditBatch.Empty;
        }

        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(messages);
        var records = new List<AuditRecord>();
        records.Add(new AuditRecord(AuditEventTypes.SubmissionReceived, sender)
        {
            Subjects = personKeys,
            Details = Details(("submissionId", submission.SubmissionId), ("eventType", submission.Event.Type), ("bodySha256", bodyHash), ("recipients", recipients.Count)),
        });

        for (var i = 0; i < recipients.Count; i++)
        {
            var decision = decisions[i];
            var message = messages.FirstOrDefault(m => m.Recipient == recipients[i].Agency.Id);
            records.Add(new AuditRecord(AuditEventTypes.ConsentDecision, AuditActors.Gateway)
            {
                Subjects = personKeys,
                Details = Details(
                    ("submissionId", submission.SubmissionId),
                    ("recipient", recipients[i].Agency.Id),
                    ("recipientType", decision.RecipientType),
                    ("decision", DecisionName(decision.Outcome)),
                    ("reason", decision.Reason),
                    ("legalBasis", decision.LegalBasis),
                    ("authorisedBy", decision.AuthorisedBy),
                    ("justification", decision.Justification),
                    ("messageId", message?.MessageId)),
            });
        }

        records.AddRange(messages.Select(message => PackageSealed(submission.SubmissionId, personKeys, message)));
        records.AddRange((alerts ?? []).Select(alert => PackageSealed(submission.SubmissionId, personKeys, alert, ("alert", UnplannedReleaseAlertMapper.DocumentType))));

        if (submission.Dir?.Consent.WithdrawnAt is { } withdrawnAt)
        {
            records.Add(new AuditRecord(AuditEventTypes.Withdrawal, sender)
            {
                Subjects = personKeys,
                Details = Details(("submissionId", submission.SubmissionId), ("withdrawnAt", withdrawnAt), ("reason", "consent withdrawn: nothing more is sent for this person")),
            });
        }

        return AuditBatch.Of(records);
    }

    /// <summary>Appends a batch prepared beforehand (<see cref="Accepted"/>) in the caller's transaction.</summary>
    public void Append(IStoreTransaction transaction, AuditBatch batch)
    {
        if (Recording)
        {
            log.AppendAll(transaction.Audit, batch, time.GetUtcNow());
        }
    }

    /// <summary>
    /// A release-schedule entry fell due: a reminder re-sent to the release recipients, or an overdue alert to the CJIT.
    /// Written like an acceptance: one consent decision per recipient and one sealed package per message, each naming the entry.
    /// </summary>
    public void ScheduleFired(IStoreTransaction transaction, string entryId, string kind, string submissionId,
        IReadOnlyList<string> personKeys, IReadOnlyList<RecipientDecision> decisions, IReadOnlyList<OutgoingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(messages);
        var records = new List<AuditRecord>();
        foreach (var decision in decisions)
        {
            records.Add(new AuditRecord(AuditEventTypes.ConsentDecision, AuditActors.Gateway)
            {
                Subjects = personKeys,
                Details = Details(
                    ("submissionId", submissionId),
                    ("scheduleEntryId", entryId),
                    ("scheduleKind", kind),
                    ("recipient", decision.Recipient),
                    ("recipientType", decision.RecipientType),
                    ("decision", decision.Outcome == "override" ? "overridden" : decision.Outcome),
                    ("reason", decision.Reason),
                    ("legalBasis", decision.LegalBasis),
                    ("authorisedBy", decision.AuthorisedBy),
                    ("justification", decision.Justification),
                    ("messageId", decision.MessageId)),
            });
        }

        records.AddRange(messages.Select(message => PackageSealed(submissionId, personKeys, message, ("scheduleEntryId", entryId), ("scheduleKind", kind))));

        AppendAll(transaction, records);
    }

    /// <summary>A withdrawal, or consent narrowed to fewer recipient types, cancelled queued messages: one entry per message.</summary>
    public void Withdrawn(IStoreTransaction transaction, string submissionId, IReadOnlyList<string> personKeys, IReadOnlyList<CancelledMessage> cancelled)
    {
        ArgumentNullException.ThrowIfNull(cancelled);
        var records = new List<AuditRecord>();
        foreach (var message in cancelled)
        {
            // A full withdrawal is a withdrawal entry; consent narrowed to fewer recipient types is a consent decision for the dropped type.
            records.Add(message.Cause == CancelCause.Withdrawal
                ? new AuditRecord(AuditEventTypes.Withdrawal, AuditActors.Gateway)
                {
                    Subjects = personKeys,
                    Details = Details(("submissionId", submissionId), ("messageId", message.MessageId), ("outcome", "failure"), ("reason", "cancelled before delivery: consent withdrawn")),
                }
                : new AuditRecord(AuditEventTypes.ConsentDecision, AuditActors.Gateway)
                {
                    Subjects = personKeys,
                    Details = Details(("submissionId", submissionId), ("recipientType", message.RecipientType), ("decision", "withdrawn"),
                        ("messageId", message.MessageId), ("reason", "cancelled before delivery: " + message.Reason)),
                });
        }

        AppendAll(transaction, records);
    }

    /// <summary>One push attempt: a retry is a delivery-attempt entry; delivered and dead-letter are delivery-result entries.</summary>
    public void DeliveryResult(IStoreTransaction transaction, string messageId, string recipient, string result, string detail)
    {
        if (!Recording)
        {
            return;
        }

        var type = result == "retry" ? AuditEventTypes.DeliveryAttempt : AuditEventTypes.DeliveryResult;
        Append(transaction, new AuditRecord(type, AuditActors.Gateway)
        {
            Subjects = transaction.Submissions.PersonKeysOf(messageId),
            Details = Details(("messageId", messageId), ("recipient", recipient), ("result", result), ("outcome", result == "delivered" ? "success" : "failure"), ("reason", detail)),
        });
    }

    /// <summary>Mailbox messages expired unacknowledged.</summary>
    public void Expired(IStoreTransaction transaction, IReadOnlyList<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var records = new List<AuditRecord>();
        foreach (var messageId in messageIds)
        {
            records.Add(new AuditRecord(AuditEventTypes.DeliveryResult, AuditActors.Gateway)
            {
                Subjects = transaction.Submissions.PersonKeysOf(messageId),
                Details = Details(("messageId", messageId), ("result", "expired"), ("outcome", "failure"), ("reason", "not acknowledged in time; the sender sees undeliverable")),
            });
        }

        AppendAll(transaction, records);
    }

    /// <summary>An agency fetched a mailbox message.</summary>
    public void Fetched(IStoreTransaction transaction, string agency, string messageId) =>
        Append(transaction, new AuditRecord(AuditEventTypes.MailboxFetch, ActorOf(agency))
        {
            Subjects = transaction.Submissions.PersonKeysOf(messageId),
            Details = Details(("messageId", messageId), ("recipient", agency), ("outcome", "success")),
        });

    /// <summary>An agency acknowledged a mailbox message.</summary>
    public void Acknowledged(IStoreTransaction transaction, string agency, string messageId) =>
        Append(transaction, new AuditRecord(AuditEventTypes.Ack, ActorOf(agency))
        {
            Subjects = transaction.Submissions.PersonKeysOf(messageId),
            Details = Details(("messageId", messageId), ("recipient", agency), ("outcome", "success")),
        });

    /// <summary>A certificate was refused (a TLS client, or an agency the gateway cannot seal to).</summary>
    public void CertificateProblem(string? agency, string? fingerprint, string reason) =>
        store.InTransaction(tx => Append(tx, new AuditRecord(AuditEventTypes.CertificateProblem, AuditActors.Gateway)
        {
            Details = Details(("agency", agency), ("certificateSha256", fingerprint), ("reason", reason)),
        }));

    /// <summary>Extends the trail's person index over up to <paramref name="maxEntries"/> entries (<see cref="AuditLog.IndexSubjects"/>); returns how many it read.</summary>
    /// <remarks>Awaited through the store's writer queue, as accepts are, rather than holding its lock meanwhile.</remarks>
    public Task<int> IndexPeopleAsync(int maxEntries) => store.InTransactionAsync(tx => AuditLog.IndexSubjects(tx.Audit, maxEntries));

    /// <summary>Extends the trail's Merkle tree over up to <paramref name="maxEntries"/> entries (<see cref="AuditLog.ExtendTree"/>); returns how many it added.</summary>
    public Task<TreeExtension> ExtendTreeAsync(int maxEntries) => store.InTransactionAsync(tx => log.ExtendTree(tx.Audit, maxEntries));

    /// <summary>Signs a checkpoint of the trail's head (at shutdown).</summary>
    public void Checkpoint() => store.InTransaction(tx => log.Checkpoint(tx.Audit, time.GetUtcNow()));

    /// <summary>Signs the head unless the newest checkpoint already does (at start and on the timer); returns the new checkpoint, or null.</summary>
    public AuditCheckpoint? CheckpointIfUncovered(CheckpointReason reason) =>
        store.InTransaction(tx => log.CheckpointIfUncovered(tx.Audit, time.GetUtcNow(), reason));

    /// <summary>The string a consent outcome is audited as (the FHIR export reads shared / withheld / overridden).</summary>
    public static string DecisionName(ConsentOutcome outcome) => outcome switch
    {
        ConsentOutcome.Shared => "shared",
        ConsentOutcome.Overridden => "overridden",
        ConsentOutcome.Withdrawn => "withdrawn",
        _ => "withheld",
    };

    // One sealed package: what it is (its hash and size), for whom, from which submission (and schedule entry, if any).
    private static AuditRecord PackageSealed(string submissionId, IReadOnlyList<string> personKeys, OutgoingMessage message, params (string Key, object? Value)[] more) =>
        new(AuditEventTypes.PackageSealed, AuditActors.Gateway)
        {
            Subjects = personKeys,
            Details = Details(
            [
                ("submissionId", submissionId),
                .. more,
                ("messageId", message.MessageId),
                ("recipient", message.Recipient),
                ("packageSha256", Convert.ToHexStringLower(SHA256.HashData(message.Package))),
                ("size", message.Package.LongLength),
            ]),
        };

    private void Append(IStoreTransaction transaction, AuditRecord record) => AppendAll(transaction, [record]);

    private void AppendAll(IStoreTransaction transaction, IReadOnlyList<AuditRecord> records)
    {
        if (Recording)
        {
            log.AppendAll(transaction.Audit, records, time.GetUtcNow());
        }
    }

    // An agency id as an actor; anything else a client certificate might name is recorded as a detail, not an actor.
    private static string ActorOf(string agency) =>
        agency.Length is > 0 and <= 64 && agency.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-') && char.IsAsciiLetterOrDigit(agency[0]) ? agency : AuditActors.Gateway;

    private static Dictionary<string, AuditValue> Details(params (string Key, object? Value)[] pairs)
    {
        var details = new Dictionary<string, AuditValue>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            switch (value)
            {
                case null:
                    break;
                case int number:
                    details[key] = number;
                    break;
                case long number:
                    details[key] = number;
                    break;
                case string text:
                    // Free text from a sender (a justification) must not smuggle an identifier into the trail: keep its hash instead.
                    var clipped = text.Length > 4000 ? text[..4000] : text;
                    details[key] = AuditLog.IdentifierIn(clipped) is { } what ? $"(withheld: contains {what}; sha256 {Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))})" : clipped;
                    break;
                default:
                    details[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    break;
            }
        }

        return details;
    }
}
