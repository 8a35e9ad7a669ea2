using System.Globalization;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// What an accepted record asks of its recipients, as escalations for the accept transaction: a transfer waits for the
/// receiving prison's acceptance, a reception for a community reply, a release record for the GP's and the CJIT's
/// acceptance, and a release for an engagement report by day 21. A newer record for the same person moves the
/// escalations it replaces.
/// </summary>
public sealed class LoopWatch(ReleasePlanning planning, int receptionReplyHours, TimeProvider time)
{
    /// <summary>The escalations to raise for <paramref name="submission"/> and the <paramref name="messages"/> it produced, or null for none.</summary>
    public Action<IStoreTransaction>? WorkFor(Submission submission, IReadOnlyList<string> personKeys, IReadOnlyList<OutgoingMessage> messages, string submissionJson)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var from = submission.Event.From;
        var raise = new List<NewEscalation>();
        var moves = new List<(string Kind, string? Watch)>();
        NewEscalation Escalation(string kind, DateTimeOffset due, string? watch, IReadOnlyList<string> alerted) =>
            new(kind, due, submission.SubmissionId, watch, alerted, personKeys, submissionJson);

        switch (submission.Event.Type)
        {
            case EventTypes.Transfer when messages.FirstOrDefault(m => m.Recipient == submission.Event.To) is { } toPrison:
                var plannedMove = submission.Event.PlannedMoveAt is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
                raise.Add(Escalation(EscalationKinds.TransferAcceptanceDue, EscalationTimeline.TransferDue(now, plannedMove), toPrison.Recipient, [from]));
                break;
            case EventTypes.Reception:
                raise.Add(Escalation(EscalationKinds.ReceptionReplyDue, EscalationTimeline.ReceptionDue(now, receptionReplyHours), null, [from]));
                break;
            case EventTypes.Release or EventTypes.ReleaseNotice:
                var releaseDate = SafetyFlags.ReleaseDate(submission) ?? ReleaseTimeline.LocalDate(now, planning.Zone);
                var cjit = messages.FirstOrDefault(m => m.RecipientType == AgencyTypes.Cjit)?.Recipient;
                List<string> alerted = cjit is null ? [from] : [from, cjit];
                foreach (var held in messages.Where(m => m.RecipientType is AgencyTypes.Gp or AgencyTypes.Cjit))
                {
                    moves.Add((EscalationKinds.ReleaseAcceptanceDue, held.Recipient));
                    raise.Add(Escalation(EscalationKinds.ReleaseAcceptanceDue, EscalationTimeline.ReleaseAcceptanceDue(releaseDate, now, planning.Zone), held.Recipient, alerted));
                }

                // The engagement report is counted from the release: the planned date while it is planned (a newer notice
                // moves it), the day it happened once the release itself is recorded. A release keyed in only after day 21
                // raises none: the window it watches is over, and an alert at once would only be noise.
                var released = planning.IsReleaseItself(submission)
                    ? ReleaseTimeline.LocalDate(DateTimeOffset.Parse(submission.Event.OccurredAt, CultureInfo.InvariantCulture), planning.Zone)
                    : releaseDate;
                var engagementDue = EscalationTimeline.EngagementDue(released, planning.Zone, planning.ReminderTime);
                moves.Add((EscalationKinds.EngagementDue, null));
                if (engagementDue > now)
                {
                    raise.Add(Escalation(EscalationKinds.EngagementDue, engagementDue, null, alerted));
                }

                break;
        }

        if (raise.Count == 0 && moves.Count == 0)
        {
            return null;
        }

        return transaction =>
        {
            foreach (var (kind, watch) in moves)
            {
                transaction.Escalations.CloseForPerson(kind, personKeys, watch, EscalationStatus.Moved, $"moved by the newer record {submission.SubmissionId}", now);
            }

            foreach (var escalation in raise)
            {
                transaction.Escalations.Raise(escalation, now);
            }
        };
    }
}
