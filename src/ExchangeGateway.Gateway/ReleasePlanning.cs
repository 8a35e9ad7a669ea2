using System.Globalization;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// What an accepted submission does to the release schedule, as work for the accept transaction: a <c>release-notice</c>, or a
/// planned <c>release</c> sent ahead with a future <c>dir.releasePlan.releaseDate</c>, schedules the reminders and the overdue
/// check (moving the person's earlier ones); any other <c>release</c> is the release itself and cancels what is pending.
/// </summary>
public sealed class ReleasePlanning(IGatewayStore store, TimeZoneInfo zone, TimeOnly reminderTime, TimeProvider time)
{
    /// <summary>The zone the reminder time and the overdue check are local to.</summary>
    public TimeZoneInfo Zone => zone;

    /// <summary>The local reminder time.</summary>
    public TimeOnly ReminderTime => reminderTime;

    /// <summary>Finds a configured IANA zone, or says plainly that it is not one, so a bad setting stops the gateway at start.</summary>
    public static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new GatewayConfigurationException([$"Gateway:TimeZone '{id}' is not a time zone this system knows, e.g. Europe/London ({ex.Message})"]);
        }
    }

    /// <summary>
    /// The schedule work for a submission, or null when it touches no schedule. <paramref name="recipients"/> are its
    /// routed recipients (consent is decided again when a reminder falls due); <paramref name="submissionJson"/> is its
    /// canonical JSON, kept so the reminders can be mapped and sealed again.
    /// </summary>
    public Action<IStoreTransaction>? WorkFor(Submission submission, IReadOnlyList<string> personKeys, IReadOnlyList<Recipient> recipients, string submissionJson)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(recipients);
        var now = time.GetUtcNow();

        // The prison the person will be released from: the receiving prison of a transfer, else the sender.
        var releasingPrison = submission.Event.Type == EventTypes.Transfer ? submission.Event.To : submission.Event.From;
        if (PlannedReleaseDate(submission, now) is { } releaseDate)
        {
            // A notice (or the summary sent ahead): the reminders, the overdue check and the confirm-the-plan prompt; it
            // cancels the six-week prompt, which asked for it, and moves everything else pending for the person.
            var prompts = ReleaseTimeline.Prompts(releaseDate, now, zone, reminderTime, noticeSent: true, submission.Event.From);
            return transaction =>
            {
                // A notice sent again after its prison was prompted to confirm the plan does not prompt it again.
                var prompted = transaction.Schedule.Standing(personKeys, releaseDate)
                    .Any(e => e.Kind == ReleaseMilestoneKinds.ConfirmPlanPrompt && e.Status == ScheduleStatus.Done && e.Recipients.SequenceEqual([submission.Event.From]));
                transaction.Schedule.Schedule(
                    new ScheduledNotice(submission.SubmissionId, personKeys, releaseDate, [.. recipients.Select(r => r.Agency.Id)], submissionJson,
                        [.. ReleaseTimeline.From(releaseDate, now, zone, reminderTime), .. prompts.Where(p => !prompted)],
                        Cancels: [ReleaseMilestoneKinds.SixWeeksPrompt]),
                    now);
            };
        }

        if (submission.Event.Type == EventTypes.Release)
        {
            return transaction => transaction.Schedule.CancelPending(personKeys, submission.SubmissionId, now);
        }

        return ExpectedDateWork(submission, personKeys, submissionJson, releasingPrison, now);
    }

    // Any other record naming an expected release date (a transfer, a reception) schedules the prompts to the releasing
    // prison: the six-week one and the confirm-the-plan one. Nothing changes when a notice already covers that date, or
    // when the same date was already learned; a new date moves the pending prompts.
    private Action<IStoreTransaction>? ExpectedDateWork(Submission submission, IReadOnlyList<string> personKeys, string submissionJson, string? releasingPrison, DateTimeOffset now)
    {
        if (releasingPrison is null || personKeys.Count == 0
            || submission.Dir?.Custody?.ExpectedReleaseDate is not { } text
            || DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) is var expected && expected <= ReleaseTimeline.LocalDate(now, zone))
        {
            return null;
        }

        return transaction =>
        {
            // What stands for this date: a notice's entries, and prompts to a prison. The same date and prison again changes
            // nothing; a prison the person has moved to takes over the prompts still to come (the one they left is prompted no
            // more), without the six-week one when a notice already covers the date.
            var standing = transaction.Schedule.Standing(personKeys, expected);
            var prompted = standing.Where(e => ReleaseMilestoneKinds.IsPrompt(e.Kind)).ToList();
            if (prompted.Count > 0 && prompted.All(e => e.Recipients.SequenceEqual([releasingPrison])))
            {
                return;
            }

            var noticeSent = standing.Any(e => !ReleaseMilestoneKinds.IsPrompt(e.Kind));
            if (noticeSent && prompted.Count == 0)
            {
                return;
            }

            var prompts = ReleaseTimeline.Prompts(expected, now, zone, reminderTime, noticeSent, releasingPrison);
            transaction.Schedule.Schedule(
                new ScheduledNotice(submission.SubmissionId, personKeys, expected, [releasingPrison], submissionJson, prompts,
                    Moves: [ReleaseMilestoneKinds.SixWeeksPrompt, ReleaseMilestoneKinds.ConfirmPlanPrompt]),
                now);
        };
    }

    /// <summary>True for a <c>release</c> that records the release itself, not one planned ahead (sent with a future release date).</summary>
    public bool IsReleaseItself(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission.Event.Type == EventTypes.Release && PlannedReleaseDate(submission, time.GetUtcNow()) is null;
    }

    /// <summary>
    /// When the services first heard of the planned release this submission is about, for the late-notice flag: the earlier
    /// of the gateway's first scheduling of that release date for the person and the submission's own <c>event.occurredAt</c>,
    /// as a date-time local to the services; null when nothing earlier is stored (the flag then reads <c>event.occurredAt</c>).
    /// </summary>
    public string? FirstNotifiedAt(Submission submission, IReadOnlyList<string> personKeys)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Event.Type is not (EventTypes.Release or EventTypes.ReleaseNotice) || SafetyFlags.ReleaseDate(submission) is not { } releaseDate)
        {
            return null;
        }

        // A read: from a snapshot, never queued behind the writer.
        var stored = store.Snapshot(tx => tx.Schedule.FirstNotified(personKeys, releaseDate));
        var occurred = DateTimeOffset.Parse(submission.Event.OccurredAt, CultureInfo.InvariantCulture);
        return stored is { } first && first < occurred
            ? TimeZoneInfo.ConvertTime(first, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : null;
    }

    // A notice's release date is the plan's, else the expected one (SafetyFlags.ReleaseDate); a release is scheduled only
    // when it says it is planned (or does not say) and names a release date after today, local to the services.
    private DateOnly? PlannedReleaseDate(Submission submission, DateTimeOffset now)
    {
        switch (submission.Event.Type)
        {
            case EventTypes.ReleaseNotice:
                return SafetyFlags.ReleaseDate(submission);
            case EventTypes.Release when submission.Event.PlannedRelease != false && submission.Dir?.ReleasePlan?.ReleaseDate is { } text:
                var date = DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                return date > ReleaseTimeline.LocalDate(now, zone) ? date : null;
            default:
                return null;
        }
    }
}
