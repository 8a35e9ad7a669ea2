using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>
/// Checks the trail against the outbox beside it: the gateway writes each stored change and its entry in one
/// transaction, so every stored submission, message and delivery state has its entry. A row without one means entries
/// were deleted, which a cut at a checkpoint or a deleted trail would otherwise hide. Rides on the verifier's pass.
/// </summary>
internal sealed class OutboxCrossCheck
{
    private readonly HashSet<string> evidence = new(StringComparer.Ordinal);
    private long entries;

    /// <summary>The next entry row: remembers what it records about a submission or a message.</summary>
    public void Observe(EntryRow row)
    {
        if (row.Entry is not { } entry)
        {
            return;
        }

        entries++;
        var submissionId = entry.DetailText("submissionId");
        var messageId = entry.DetailText("messageId");
        if (entry.Type == AuditEventTypes.SubmissionReceived && submissionId is not null)
        {
            evidence.Add(Key("received", submissionId));
        }

        var what = entry.Type switch
        {
            AuditEventTypes.PackageSealed => "sealed",
            AuditEventTypes.DeliveryResult => "result:" + entry.DetailText("result"),
            AuditEventTypes.DeliveryAttempt => "attempt",
            AuditEventTypes.MailboxFetch => "fetch",
            AuditEventTypes.Ack => "ack",
            AuditEventTypes.Withdrawal => "cancel",
            AuditEventTypes.ConsentDecision when entry.DetailText("decision") == "withdrawn" => "cancel",
            AuditEventTypes.AdminAction when entry.DetailText("action") == "outbox-cancel" => "cancel",
            _ => null,
        };
        if (what is not null && messageId is not null)
        {
            evidence.Add(Key(what, messageId));
        }
    }

    /// <summary>
    /// The outbox rows without their entries, each named, at the seq after the head (where a cut would have taken
    /// them); an empty trail beside a non-empty outbox is one problem at seq 1.
    /// </summary>
    public IReadOnlyList<AuditProblem> Compare(IOutboxAdmin outbox, long headSeq)
    {
        var (submissions, messages) = outbox.Counts();
        if (entries == 0)
        {
            return submissions + messages == 0
                ? []
                : [new AuditProblem(1, $"the audit trail is empty but the outbox holds {submissions} submissions and {messages} messages: the trail was deleted")];
        }

        var at = headSeq + 1;
        var problems = new List<AuditProblem>();
        foreach (var submissionId in outbox.SubmissionIds().Where(id => !evidence.Contains(Key("received", id))))
        {
            problems.Add(new AuditProblem(at, $"outbox submission {submissionId} has no submission-received entry in the trail: entries were deleted"));
        }

        foreach (var message in outbox.MessageStates())
        {
            if (!evidence.Contains(Key("sealed", message.MessageId)))
            {
                problems.Add(new AuditProblem(at, $"outbox message {message.MessageId} has no package-sealed entry in the trail: entries were deleted"));
            }
            else if (StateEntry(message) is { } expected && !expected.Any(e => evidence.Contains(Key(e, message.MessageId))))
            {
                var named = string.Join(" or ", expected.Select(Describe));
                problems.Add(new AuditProblem(at, $"outbox message {message.MessageId} is {message.Status} but the trail has no {named} entry for it: entries were deleted"));
            }
        }

        return problems;
    }

    // The entries that can have put a message in its present state; null when its state needs none beyond the sealing.
    private static string[]? StateEntry(StoredMessageState message) => message.Status switch
    {
        MessageStatus.Delivered => [message.Channel == DeliveryChannelNames.Mailbox ? "fetch" : "result:delivered"],
        MessageStatus.Acknowledged => ["ack"],
        MessageStatus.DeadLetter => ["result:dead-letter"],
        MessageStatus.Expired => ["result:expired"],
        MessageStatus.Cancelled => ["cancel"],
        MessageStatus.Queued when message.Channel is DeliveryChannelNames.Push or DeliveryChannelNames.Mesh && message.Attempts > 0 => ["attempt"],
        _ => null,
    };

    private static string Describe(string what) => what switch
    {
        "fetch" => AuditEventTypes.MailboxFetch,
        "attempt" => AuditEventTypes.DeliveryAttempt,
        "cancel" => "withdrawal or admin outbox-cancel",
        _ when what.StartsWith("result:", StringComparison.Ordinal) => $"{AuditEventTypes.DeliveryResult} '{what["result:".Length..]}'",
        _ => what,
    };

    private static string Key(string what, string id) => what + "|" + id;

}
