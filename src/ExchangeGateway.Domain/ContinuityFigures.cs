namespace ExchangeGateway.Domain;

/// <summary>One published figure: a number, the string <c>"&lt;5"</c> for a suppressed count, or nothing (null).</summary>
public readonly record struct Figure(decimal? Value, bool Suppressed)
{
    /// <summary>The text a suppressed count is published as.</summary>
    public const string SuppressedText = "<5";

    /// <summary>No figure: a share or median that is suppressed or has nothing to divide by.</summary>
    public static Figure None => default;

    /// <summary>True for a count small enough to identify people: 1 to 4 (0 is published as 0).</summary>
    public static bool IsSmall(int count) => count is >= 1 and <= 4;

    /// <summary>A count: 1 to 4 suppressed, anything else as it is.</summary>
    public static Figure Count(int count) => IsSmall(count) ? new(null, true) : new(count, false);

    /// <summary>A share from 0 to 1 (three decimals); none when the denominator is 0 or either side is a suppressed count.</summary>
    public static Figure Share(int numerator, int denominator) =>
        denominator == 0 || IsSmall(numerator) || IsSmall(denominator)
            ? None
            : new(Math.Round((decimal)numerator / denominator, 3, MidpointRounding.AwayFromZero), false);

    /// <summary>The median of sorted values; none when there are none or so few (1 to 4) that it would describe people.</summary>
    public static Figure Median(IReadOnlyList<int> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0 || IsSmall(sorted.Count))
        {
            return None;
        }

        var middle = sorted.Count / 2;
        return new(sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m, false);
    }
}

/// <summary>One published row of the continuity report: a releasing prison × CJIT area × month of release, suppressed.</summary>
public sealed record ContinuityRow(
    string Prison,
    string? CjitArea,
    string Month,
    Figure Releases,
    Figure NoticeLeadDaysMedian,
    Figure NoticeSixWeeksShare,
    Figure DeliveredBeforeReleaseShare,
    Figure AcceptedByGpBeforeReleaseShare,
    Figure BridgingShare,
    Figure NaloxoneShare,
    Figure FirstAppointmentShare,
    Figure EngagedWithin21DaysShare,
    Figure OverdueReleases)
{
    /// <summary>The figures' names as the JSON and CSV forms write them, in order, after prison, cjitArea and month.</summary>
    public static IReadOnlyList<string> FigureNames { get; } =
    [
        "releases", "noticeLeadDaysMedian", "noticeSixWeeksShare", "deliveredBeforeReleaseShare", "acceptedByGpBeforeReleaseShare",
        "bridgingShare", "naloxoneShare", "firstAppointmentShare", "engagedWithin21DaysShare", "overdueReleases",
    ];

    /// <summary>The figures in the order of <see cref="FigureNames"/>.</summary>
    public IReadOnlyList<Figure> Figures =>
    [
        Releases, NoticeLeadDaysMedian, NoticeSixWeeksShare, DeliveredBeforeReleaseShare, AcceptedByGpBeforeReleaseShare,
        BridgingShare, NaloxoneShare, FirstAppointmentShare, EngagedWithin21DaysShare, OverdueReleases,
    ];

    /// <summary>
    /// The published row of <paramref name="counts"/>: counts of 1 to 4 become <c>"&lt;5"</c>; a share is null when its numerator or
    /// denominator is such a count (or the denominator is 0); the median lead time is null over fewer than 5 planned releases.
    /// Shares are over releases, except bridging (over people on OST) and naloxone (over opioid users); the notice figures
    /// are over planned releases.
    /// </summary>
    public static ContinuityRow Of(ContinuityCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var planned = counts.NoticeLeadDays.Count;
        return new ContinuityRow(
            counts.Prison,
            counts.CjitArea,
            counts.Month,
            Figure.Count(counts.Releases),
            Figure.Median(counts.NoticeLeadDays),
            Figure.Share(counts.NoticeSixWeeks, planned),
            Figure.Share(counts.Delivered, counts.Releases),
            Figure.Share(counts.AcceptedByGp, counts.Releases),
            Figure.Share(counts.Bridging, counts.OnOst),
            Figure.Share(counts.Naloxone, counts.OpioidUsers),
            Figure.Share(counts.FirstAppointment, counts.Releases),
            Figure.Share(counts.EngagedWithin21Days, counts.Releases),
            Figure.Count(counts.OverdueReleases));
    }
}

/// <summary>The continuity report: the period asked for and its published rows.</summary>
public sealed record ContinuityReport(DateOnly? From, DateOnly? To, IReadOnlyList<ContinuityRow> Rows)
{
    /// <summary>Counts <paramref name="inputs"/> (see <see cref="ContinuityCounting.Count"/>) and suppresses every row.</summary>
    public static ContinuityReport Build(ContinuityInputs inputs, TimeZoneInfo zone, DateOnly? from = null, DateOnly? to = null) =>
        new(from, to, [.. ContinuityCounting.Count(inputs, zone, from, to).Select(ContinuityRow.Of)]);
}
