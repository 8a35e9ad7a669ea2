using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Cli.Tests;

/// <summary>A clock the seeding moves by hand, so every stored time is the one the hand calculation uses.</summary>
internal sealed class SeedClock : TimeProvider
{
    public DateTimeOffset Now { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Writes a gateway data folder as the gateway writes it when it accepts records: each record's submission, its messages
/// to the CJIT (pushed) and the GP (mailbox), its report facts; then deliveries, fetches, GP answers and overdue checks.
/// </summary>
internal sealed class ContinuitySeed : IDisposable
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private readonly SeedClock clock = new();
    private readonly SqliteStore store;
    private int next;

    public ContinuitySeed(string folder) =>
        store = SqliteStore.Open(Path.Combine(folder, DatabaseLocation.SqliteFileName), clock);

    public void Dispose() => store.Dispose();

    /// <summary>10:00 UTC on a day of 2026 (11:00 in London in summer).</summary>
    public static DateTimeOffset On(int month, int day, int hour = 10) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>A plan: everything in place unless told otherwise.</summary>
    public static ReleaseFacts Plan(string eventType, string date, string area = "CJIT-LEEDS", bool planned = true, bool onOst = true, bool bridging = true,
        bool opioid = true, bool naloxone = true, bool firstAppointment = false) =>
        new(eventType, "HLI", area, "B86030", DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), planned, onOst, bridging, opioid, naloxone, firstAppointment);

    /// <summary>Accepts a release record at <paramref name="at"/>; returns its messages' ids (CJIT push, GP mailbox).</summary>
    public (string Cjit, string Gp) Release(string person, DateTimeOffset at, ReleaseFacts facts, string[]? keys = null)
    {
        var id = $"s{++next}";
        var (cjit, gp) = ($"{id}-cjit", $"{id}-gp");
        OutgoingMessage[] messages =
        [
            new(cjit, facts.CjitArea!, AgencyTypes.Cjit, DeliveryChannel.Push, "http://127.0.0.1:1/agencies/" + facts.CjitArea, [1]),
            new(gp, "B86030", AgencyTypes.Gp, DeliveryChannel.Mailbox, null, [2]),
        ];
        var personKeys = keys ?? [$"nhs:{person}", $"prison:{person}"];
        clock.Now = at;
        store.InTransaction(tx =>
        {
            tx.Submissions.Accept(new AcceptedSubmission(id, "HLI", facts.EventType, "h" + id, personKeys,
                [.. messages.Select(m => new RecipientDecision(m.Recipient, m.RecipientType, "shared", "consented", m.MessageId))], messages, "{}",
                new KnownAgencies("B86030", facts.CjitArea), null));
            tx.ReleaseFacts.Record(id, personKeys, facts);
        });
        return (cjit, gp);
    }

    /// <summary>Accepts an engagement report from the CJIT about the person of the given keys.</summary>
    public void Engagement(string[] keys, string outcome, string date)
    {
        var id = $"e{++next}";
        clock.Now = On(7, 20);
        store.InTransaction(tx =>
        {
            tx.Submissions.Accept(new AcceptedSubmission(id, "CJIT-LEEDS", EventTypes.Engagement, "h" + id, keys, [], [], "{}", new KnownAgencies(null, null), null));
            tx.ReleaseFacts.Record(id, keys, new EngagementFacts(outcome, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    /// <summary>The CJIT's endpoint answered the push at <paramref name="at"/>.</summary>
    public void Pushed(string messageId, DateTimeOffset at) => At(at, tx => Assert.True(tx.PushQueue.MarkDelivered(messageId)));

    /// <summary>The GP fetched its message at <paramref name="at"/>.</summary>
    public void Fetched(string messageId, DateTimeOffset at) => At(at, tx => Assert.NotNull(tx.Mailbox.Fetch("B86030", messageId)));

    /// <summary>The GP accepted its message at <paramref name="at"/>.</summary>
    public void GpAccepted(string messageId, DateTimeOffset at) => At(at, tx =>
        Assert.True(tx.Responses.Record(new StoredResponse(messageId, "B86030", ResponseOutcomes.Accepted, "{}", at, null))));

    /// <summary>A notice's reminders and overdue check scheduled, and the check fired at noon on the day with no release.</summary>
    public void Overdue(string noticeId, string[] keys, DateOnly releaseDate)
    {
        var accepted = clock.Now;
        At(accepted, tx => tx.Schedule.Schedule(new ScheduledNotice(noticeId, keys, releaseDate, ["CJIT-BRADFORD"], "{}",
            ReleaseTimeline.From(releaseDate, accepted, London)), accepted));
        var noon = new DateTimeOffset(releaseDate.ToDateTime(new TimeOnly(11, 0)), TimeSpan.Zero);
        At(noon, tx =>
        {
            foreach (var due in tx.Schedule.Due(noon))
            {
                var overdue = due.Entry.Kind == ReleaseMilestoneKinds.OverdueCheck;
                tx.Schedule.Complete(due.Entry.EntryId, overdue ? ScheduleStatus.Overdue : ScheduleStatus.Done, overdue ? "no release" : "sent", noon);
            }
        });
    }

    /// <summary>The id the next record will take.</summary>
    public string NextId => $"s{next + 1}";

    private void At(DateTimeOffset at, Action<IStoreTransaction> work)
    {
        clock.Now = at;
        store.InTransaction(work);
    }
}
