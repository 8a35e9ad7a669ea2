using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>A clinical-safety alert: a code of the safety-flag CodeSystem and plain-English text with no personal data.</summary>
public sealed record SafetyFlag(string Code, string Text);

/// <summary>The clinical-safety flags a submission raises (spec: clinical safety rules); derived only from the submission, never from the clock.</summary>
/// <remarks>
/// Which events raise which flags: the release flags (Friday, bank holiday, OST without bridging, no naloxone, late
/// notice) are raised for <c>release</c> and <c>release-notice</c> events only. A <c>transfer</c> moves the person
/// between prisons and a <c>reception</c> brings them into custody, so there is no release for those flags to be
/// about; a release date the DIR happens to carry then is a plan that the release notices will flag in time.
/// Reduced tolerance or a high overdose risk is raised for every event, because it matters to a receiving prison
/// starting or changing opioid doses as much as to a community team.
/// </remarks>
public static class SafetyFlags
{
    public const string FridayRelease = "release-on-friday";
    public const string BeforeBankHoliday = "release-before-bank-holiday";
    public const string OstWithoutBridging = "ost-without-bridging";
    public const string OpioidWithoutNaloxone = "opioid-use-without-naloxone";
    public const string OverdoseRisk = "overdose-risk";
    public const string LateNotice = "late-release-notice";

    /// <summary>Notice of a planned release fewer than this many days ahead is flagged: services ask to hear 2 days before.</summary>
    public const int NoticeDays = 2;

    // The opioids of the contract's substance enumeration (dir.substances[].substance).
    private static readonly HashSet<string> OpioidSubstances = ["heroin", "methadone-illicit", "buprenorphine-illicit", "other-opioid"];

    /// <summary>Every flag code, in the order <see cref="Raise"/> lists flags.</summary>
    public static IReadOnlyList<string> Codes { get; } = [FridayRelease, BeforeBankHoliday, OstWithoutBridging, OpioidWithoutNaloxone, OverdoseRisk, LateNotice];

    /// <summary>
    /// The flags the submission raises, in the order of <see cref="Codes"/>. <paramref name="firstNotifiedAt"/> is when the
    /// gateway first heard of this planned release (a date-time with an offset); when null, the event's occurredAt is used,
    /// so a planned release event given without it is taken to be the first news of the release and is flagged as late.
    /// </summary>
    public static IReadOnlyList<SafetyFlag> Raise(Submission submission, string? firstNotifiedAt = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        DateOnly? notifiedOn = null;
        if (firstNotifiedAt is not null)
        {
            notifiedOn = TryLocalDate(firstNotifiedAt)
                ?? throw new ArgumentException("must be a date-time with an offset, e.g. 2026-03-11T10:00:00+00:00", nameof(firstNotifiedAt));
        }

        var flags = new List<SafetyFlag>();
        var isRelease = submission.Event.Type is EventTypes.Release or EventTypes.ReleaseNotice;
        var releaseDate = isRelease ? ReleaseDate(submission) : null;
        var prescribing = submission.Prescribing;
        var onOst = SubmissionRules.IsOnOst(prescribing);

        if (releaseDate is { } friday && friday.DayOfWeek == DayOfWeek.Friday)
        {
            flags.Add(new(FridayRelease, "Release is on a Friday: pharmacies and drug services may be closed over the weekend. Make sure medication, naloxone and a first appointment are in place before release."));
        }

        // Wider than BankHolidays.IsDayBeforeBankHoliday: a Friday before a bank-holiday Monday is the longest gap of
        // all, so the flag looks at the first weekday after release (the next day itself whenever that is a holiday).
        if (releaseDate is { } date && BankHolidays.NameOf(NextWeekday(date)) is { } holiday)
        {
            flags.Add(new(BeforeBankHoliday, $"Release is just before a bank holiday in England and Wales ({holiday}): pharmacies and drug services may be closed until after it. Make sure medication and support are in place until they reopen."));
        }

        if (isRelease && onOst && prescribing?.BridgingPrescription is null && !FirstAppointmentOn(submission.Dir?.ReleasePlan, releaseDate))
        {
            flags.Add(new(OstWithoutBridging, "On opioid substitution therapy, but there is no bridging prescription and no community appointment on the day of release: a missed dose after release raises the risk of overdose and relapse."));
        }

        if (isRelease && UsesOpioids(submission) && prescribing?.Naloxone?.Issued != true)
        {
            flags.Add(new(OpioidWithoutNaloxone, "History of opioid use, but no naloxone has been issued for release. Offer naloxone and training to use it before the person leaves."));
        }

        if (OverdoseRiskText(submission.Dir?.Risks, isRelease) is { } overdose)
        {
            flags.Add(new(OverdoseRisk, overdose));
        }

        if (IsPlanned(submission.Event) && releaseDate is { } planned
            && planned.DayNumber - (notifiedOn ?? LocalDate(submission.Event.OccurredAt, "event.occurredAt")).DayNumber < NoticeDays)
        {
            flags.Add(new(LateNotice, "The gateway was first told of this planned release less than 2 days before it: community services may not have had time to arrange prescribing and a first appointment."));
        }

        return flags;
    }

    /// <summary>
    /// The release date: dir.releasePlan.releaseDate, else dir.custody.expectedReleaseDate, else for a release event
    /// the day of event.occurredAt (in its own offset); null when none is known.
    /// </summary>
    public static DateOnly? ReleaseDate(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.Dir?.ReleasePlan?.ReleaseDate is { } planned)
        {
            return Date(planned, "dir.releasePlan.releaseDate");
        }

        if (submission.Dir?.Custody?.ExpectedReleaseDate is { } expected)
        {
            return Date(expected, "dir.custody.expectedReleaseDate");
        }

        return submission.Event.Type == EventTypes.Release ? LocalDate(submission.Event.OccurredAt, "event.occurredAt") : null;
    }

    /// <summary>
    /// True for a history of opioid use: on OST (itself a history of opioid use, whatever the substances list says), or
    /// an opioid among <c>dir.substances</c>. The naloxone flag and the continuity report's naloxone share both read it.
    /// </summary>
    public static bool UsesOpioids(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return SubmissionRules.IsOnOst(submission.Prescribing) || (submission.Dir?.Substances ?? []).Any(s => OpioidSubstances.Contains(s.Substance));
    }

    // A release-notice is always about a planned release; a release is planned unless the sender says it is not
    // (plannedRelease false, e.g. a court release), since leaving it out says nothing either way.
    private static bool IsPlanned(SubmissionEvent e) =>
        e.Type is EventTypes.ReleaseNotice or EventTypes.Release && e.PlannedRelease != false;

    private static string? OverdoseRiskText(Risks? risks, bool isRelease)
    {
        var reduced = risks?.ReducedTolerance == true;
        var high = risks?.OverdoseRisk == "high";
        var what = (reduced, high) switch
        {
            (true, true) => "Reduced opioid tolerance and a high overdose risk are recorded.",
            (true, false) => "Reduced opioid tolerance is recorded.",
            (false, true) => "A high overdose risk is recorded.",
            _ => null,
        };
        return what is null
            ? null
            : what + (isRelease
                ? " The risk of a drug-related death is highest in the first two weeks after release: make sure naloxone and overdose advice are given."
                : " Take care when starting or changing opioid doses.");
    }

    // The appointment's day as the sender wrote it, in its own offset: that is the calendar day the sender meant.
    private static bool FirstAppointmentOn(ReleasePlan? plan, DateOnly? releaseDate) =>
        plan?.FirstAppointment is { } first && releaseDate is { } day && LocalDate(first, "dir.releasePlan.firstAppointment") == day;

    private static DateOnly NextWeekday(DateOnly date)
    {
        var next = date.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        return next;
    }

    private static DateOnly Date(string text, string path) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new FormatException($"{path} is not a yyyy-mm-dd date");

    private static DateOnly LocalDate(string dateTime, string path) =>
        TryLocalDate(dateTime) ?? throw new FormatException($"{path} is not a date-time with an offset");

    // Only a date-time that states its offset is read: a missing offset would be guessed from the machine's zone.
    private static DateOnly? TryLocalDate(string dateTime)
    {
        var hasOffset = dateTime.EndsWith('Z') || (dateTime.Length > 6 && dateTime[^6] is '+' or '-' && dateTime[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(dateTime, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? DateOnly.FromDateTime(parsed.DateTime)
            : null;
    }
}
