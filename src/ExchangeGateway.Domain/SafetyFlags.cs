using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>A clinical-safety alert: a code of the safety-flag CodeSystem and plain-English text with no personal data.</summary>
public sealed record SafetyFlag(string Code, string Text);

/// <summary>The clinical-safety flags a submission raises (spec: clinical safety rules); derived only from the submission, never from the clock.</summary>
/// <remarks>
/// Which events raise which flags: the release flags (Friday, bank holiday, OST without bridging, no naloxone, late
/// notice, notice under 6 weeks, unplanned release, no fixed abode, no GP) are raised for <c>release</c> and
/// <c>release-notice</c> events only. A <c>transfer</c> moves the person
/// between prisons and a <c>reception</c> brings them into custody, so there is no release for those flags to be
/// about; a release date the DIR happens to carry then is a plan that the release notices will flag in time.
/// Reduced tolerance or a high overdose risk is raised for every event, because it matters to a receiving prison
/// starting or changing opioid doses as much as to a community team.
/// A planned release notified under 2 days ahead raises both notice flags: it is under 6 weeks too, a reader (or a
/// commissioner's count) looking for either finds it, and the 2-day flag is the sharper warning of the two.
/// </remarks>
public static class SafetyFlags
{
    public const string FridayRelease = "release-on-friday";
    public const string BeforeBankHoliday = "release-before-bank-holiday";
    public const string OstWithoutBridging = "ost-without-bridging";
    public const string OpioidWithoutNaloxone = "opioid-use-without-naloxone";
    public const string OverdoseRisk = "overdose-risk";
    public const string LateNotice = "late-release-notice";
    public const string NoticeUnderSixWeeks = "release-notice-under-6-weeks";
    public const string UnplannedRelease = "unplanned-release";
    public const string NoFixedAbode = "no-fixed-abode";
    public const string NoGp = "no-gp";

    /// <summary>Notice of a planned release fewer than this many days ahead is flagged: services ask to hear 2 days before.</summary>
    public const int NoticeDays = 2;

    /// <summary>Notice of a planned release fewer than this many days ahead is flagged too: services ask to hear 6 weeks before.</summary>
    public const int SixWeeksNoticeDays = 42;

    // The opioids of the contract's substance enumeration (dir.substances[].substance).
    private static readonly HashSet<string> OpioidSubstances = ["heroin", "methadone-illicit", "buprenorphine-illicit", "other-opioid"];

    /// <summary>True for a person on OST (itself a history of opioid use) or with an opioid among their substances.</summary>
    public static bool UsesOpioids(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return SubmissionRules.IsOnOst(submission.Prescribing) || (submission.Dir?.Substances ?? []).Any(s => OpioidSubstances.Contains(s.Substance));
    }

    /// <summary>Every flag code, in the order <see cref="Raise"/> lists flags.</summary>
    public static IReadOnlyList<string> Codes { get; } =
    [
        FridayRelease, BeforeBankHoliday, OstWithoutBridging, OpioidWithoutNaloxone, OverdoseRisk, LateNotice, NoticeUnderSixWeeks,
        UnplannedRelease, NoFixedAbode, NoGp,
    ];

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

        var noticeDays = IsPlanned(submission.Event) && releaseDate is { } planned
            ? planned.DayNumber - (notifiedOn ?? LocalDate(submission.Event.OccurredAt, "event.occurredAt")).DayNumber
            : (int?)null;
        if (noticeDays < NoticeDays)
        {
            flags.Add(new(LateNotice, "The gateway was first told of this planned release less than 2 days before it: community services may not have had time to arrange prescribing and a first appointment."));
        }

        if (noticeDays < SixWeeksNoticeDays)
        {
            flags.Add(new(NoticeUnderSixWeeks, "The gateway was first told of this planned release less than 6 weeks before it: community services ask for 6 weeks to arrange prescribing, a first appointment, housing and a GP. Check now what is still missing."));
        }

        if (IsUnplannedRelease(submission))
        {
            flags.Add(new(UnplannedRelease, "This release was not planned (such as a release from court): community services had no notice, and the record is sent to them at once. Contact the person as soon as possible to arrange prescribing, naloxone and a first appointment."));
        }

        if (isRelease && submission.Dir?.ReleasePlan?.Accommodation == "no-fixed-abode")
        {
            flags.Add(new(NoFixedAbode, "No fixed abode on release: the person may be hard to find afterwards. Agree before release where to meet them and how to reach them (a phone number, a hostel or a day centre), and where they will collect medication."));
        }

        if (isRelease && submission.Dir is { Client.GpPractice: null })
        {
            flags.Add(new(NoGp, "No GP practice is recorded: help the person register with a GP as soon as possible after release. Until then the CJIT of the release area holds the record and is the contact for prescribing and follow-up."));
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

    /// <summary>True for a <c>release</c> the sender marks unplanned (<c>event.plannedRelease</c> false, e.g. from court); left out, it is planned.</summary>
    public static bool IsUnplannedRelease(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return submission.Event.Type == EventTypes.Release && submission.Event.PlannedRelease == false;
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
