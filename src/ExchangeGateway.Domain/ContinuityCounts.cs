using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>The unsuppressed counts of one releasing prison × CJIT area × month of release: each share's numerator and denominator.</summary>
public sealed record ContinuityCounts(
    string Prison,
    string? CjitArea,
    string Month,
    int Releases,
    IReadOnlyList<int> NoticeLeadDays,
    int NoticeSixWeeks,
    int Delivered,
    int AcceptedByGp,
    int OnOst,
    int Bridging,
    int OpioidUsers,
    int Naloxone,
    int FirstAppointment,
    int EngagedWithin21Days,
    int OverdueReleases);

/// <summary>
/// Counts releases and what happened around them from stored facts, with no I/O. A release is a <c>release</c> record's
/// release date for a person (counted once per person and date, the latest such record giving the prison, area and plan);
/// notices alone are not releases. People are linked across records by any shared person key.
/// </summary>
public static class ContinuityCounting
{
    /// <summary>Notice at least this many days ahead is what community services ask for ("6 weeks prior").</summary>
    public const int SixWeeksDays = 42;

    /// <summary>An engagement report dated this many days after release or fewer counts as engaged within 21 days.</summary>
    public const int EngagementDays = 21;

    /// <summary>
    /// The counts per prison × CJIT area × month of release date, sorted, for release dates from <paramref name="from"/> to
    /// <paramref name="to"/> inclusive (either open). "Before the release day" means before midnight at its start in <paramref name="zone"/>.
    /// </summary>
    public static IReadOnlyList<ContinuityCounts> Count(ContinuityInputs inputs, TimeZoneInfo zone, DateOnly? from = null, DateOnly? to = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(zone);
        var people = new PersonLinks();
        foreach (var row in inputs.Facts)
        {
            people.Link(row.PersonKeys);
        }

        // A record naming no identifier is a person of its own: two such records are never taken for one person.
        string PersonOf(IReadOnlyList<string> keys, string submissionId) => keys.Count == 0 ? "submission:" + submissionId : people.Of(keys);
        bool InRange(DateOnly date) => (from is null || date >= from) && (to is null || date <= to);
        var records = inputs.Facts.Where(f => f.Release?.ReleaseDate is not null)
            .ToLookup(f => (Person: PersonOf(f.PersonKeys, f.SubmissionId), Date: f.Release!.ReleaseDate!.Value));
        var engagements = inputs.Facts.Where(f => f.Engagement is { Engaged: true }).ToLookup(f => PersonOf(f.PersonKeys, f.SubmissionId), f => f.Engagement!.Date);
        var deliveries = inputs.Deliveries.ToLookup(d => d.SubmissionId, StringComparer.Ordinal);
        var gpAccepted = inputs.Answers.Where(a => a.RecipientType == AgencyTypes.Gp && a.Outcome == ResponseOutcomes.Accepted)
            .ToLookup(a => a.SubmissionId, a => a.At, StringComparer.Ordinal);
        var groups = new Dictionary<(string, string?, string), Tally>();
        Tally TallyOf(ReleaseFacts facts, DateOnly date)
        {
            var key = (facts.Prison, facts.CjitArea, date.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            return groups.TryGetValue(key, out var tally) ? tally : groups[key] = new Tally();
        }

        foreach (var person in records.Where(g => InRange(g.Key.Date)))
        {
            var releaseRow = person.Where(r => r.Release!.EventType == EventTypes.Release).MaxBy(r => r.AcceptedAt);
            if (releaseRow is null)
            {
                continue;
            }

            var (date, release) = (person.Key.Date, releaseRow.Release!);
            var dayStart = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue), zone));
            var tally = TallyOf(release, date);
            tally.Releases++;
            if (release.Planned)
            {
                var first = ReleaseTimeline.LocalDate(person.Min(r => r.AcceptedAt), zone);
                var lead = Math.Max(0, date.DayNumber - first.DayNumber);
                tally.LeadDays.Add(lead);
                tally.SixWeeks += lead >= SixWeeksDays ? 1 : 0;
            }

            // The latest record accepted before the day: every message it produced delivered (GP: fetched) before the day.
            var latest = person.Where(r => r.AcceptedAt < dayStart).MaxBy(r => r.AcceptedAt);
            var sent = latest is null ? [] : deliveries[latest.SubmissionId].ToList();
            tally.Delivered += sent.Count > 0 && sent.All(d => d.DeliveredAt < dayStart) ? 1 : 0;
            tally.AcceptedByGp += person.Any(r => gpAccepted[r.SubmissionId].Any(at => at < dayStart)) ? 1 : 0;
            tally.OnOst += release.OnOst ? 1 : 0;
            tally.Bridging += release.OnOst && release.Bridging ? 1 : 0;
            tally.OpioidUsers += release.OpioidUser ? 1 : 0;
            tally.Naloxone += release.OpioidUser && release.Naloxone ? 1 : 0;
            tally.FirstAppointment += release.FirstAppointment ? 1 : 0;
            tally.Engaged += engagements[person.Key.Person].Any(d => d >= date && d.DayNumber - date.DayNumber <= EngagementDays) ? 1 : 0;
        }

        // Overdue: one per person and planned date, in the group of the notice the check was scheduled from.
        var factsById = inputs.Facts.Where(f => f.Release is not null).ToDictionary(f => f.SubmissionId, f => f.Release!, StringComparer.Ordinal);
        foreach (var overdue in inputs.Overdue.Where(o => InRange(o.ReleaseDate) && factsById.ContainsKey(o.SubmissionId))
                     .DistinctBy(o => (PersonOf(o.PersonKeys, o.SubmissionId), o.ReleaseDate)))
        {
            TallyOf(factsById[overdue.SubmissionId], overdue.ReleaseDate).Overdue++;
        }

        return [.. groups.OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal).ThenBy(g => g.Key.Item3, StringComparer.Ordinal)
            .Select(g => new ContinuityCounts(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Value.Releases, [.. g.Value.LeadDays.Order()], g.Value.SixWeeks,
                g.Value.Delivered, g.Value.AcceptedByGp, g.Value.OnOst, g.Value.Bridging, g.Value.OpioidUsers, g.Value.Naloxone, g.Value.FirstAppointment,
                g.Value.Engaged, g.Value.Overdue))];
    }

    private sealed class Tally
    {
        public int Releases { get; set; }

        public List<int> LeadDays { get; } = [];

        public int SixWeeks { get; set; }

        public int Delivered { get; set; }

        public int AcceptedByGp { get; set; }

        public int OnOst { get; set; }

        public int Bridging { get; set; }

        public int OpioidUsers { get; set; }

        public int Naloxone { get; set; }

        public int FirstAppointment { get; set; }

        public int Engaged { get; set; }

        public int Overdue { get; set; }
    }

    // Union-find over person keys: records sharing any key (NHS number or prison number) are one person.
    private sealed class PersonLinks
    {
        private readonly Dictionary<string, string> parent = new(StringComparer.Ordinal);

        public void Link(IReadOnlyList<string> keys)
        {
            for (var i = 1; i < keys.Count; i++)
            {
                var (a, b) = (Root(keys[0]), Root(keys[i]));
                if (a != b)
                {
                    parent[a] = b;
                }
            }

            if (keys.Count == 1)
            {
                _ = Root(keys[0]);
            }
        }

        public string Of(IReadOnlyList<string> keys) => keys.Count == 0 ? "" : Root(keys[0]);

        private string Root(string key)
        {
            while (parent.TryGetValue(key, out var up) && up != key)
            {
                key = up;
            }

            parent.TryAdd(key, key);
            return key;
        }
    }
}
