using System.Diagnostics;
using System.Diagnostics.Metrics;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>
/// The gateway's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> and scraped at <c>/metrics</c>.
/// Every label value comes from a closed set of codes (outcomes, refusal reasons, channels, agency and event types) or
/// is an agency id from the directory (an organisation code): never a person's key, a message or submission id, or text.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The meter's name, as OpenTelemetry is told to listen to it.</summary>
    public const string MeterName = "ExchangeGateway.Gateway";

    /// <summary>The <c>outcome</c> of a submission stored now.</summary>
    public const string Accepted = "accepted";

    /// <summary>The <c>outcome</c> of the same body sent again: answered 202 as before, nothing new stored.</summary>
    public const string Repeated = "repeated";

    /// <summary>The <c>outcome</c> of a refused submission (with a <c>reason</c>).</summary>
    public const string Refused = "refused";

    // 5 ms to 5 s: an accept is a database transaction plus sealing per recipient; past 5 s a sender is likely to time out.
    private static readonly double[] AcceptBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    // A scrape reads the queue once for both gauges: the depth gauge (called first) reads, the age gauge reuses that read.
    private static readonly TimeSpan PendingReadReuse = TimeSpan.FromSeconds(1);

    private readonly IGatewayStore store;
    private readonly AgencyDirectory directory;
    private readonly StorageHealth storage;
    private readonly TimeProvider time;
    private readonly ILogger<GatewayMetrics> log;
    private readonly Counter<long> submissions;
    private readonly Histogram<double> acceptDuration;
    private readonly Counter<long> packagesSealed;
    private readonly Counter<long> deliveries;
    private readonly Lock pendingLock = new();
    private (long ReadAt, IReadOnlyList<PendingForAgency>? Rows)? lastPending;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/> (so each host, and each test's host, has its own).</summary>
    public GatewayMetrics(IMeterFactory meters, IGatewayStore store, AgencyDirectory directory, StorageHealth storage, TimeProvider time, ILogger<GatewayMetrics> log)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.store = store;
        this.directory = directory;
        this.storage = storage;
        this.time = time;
        this.log = log;
        var meter = meters.Create(MeterName);
        submissions = meter.CreateCounter<long>("exg.submissions", "{submission}",
            "Submissions answered, by outcome (accepted, repeated, refused), refusal reason and sending agency");
        acceptDuration = meter.CreateHistogram<double>("exg.accept.duration", "s",
            "Time from the submission request reaching its endpoint to the answer (202 or a refusal), by outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AcceptBuckets });
        packagesSealed = meter.CreateCounter<long>("exg.packages.sealed", "{package}",
            "Packages sealed and queued in the outbox, by recipient agency type and event type");
        deliveries = meter.CreateCounter<long>("exg.deliveries", "{message}",
            "Delivery results, by outcome (delivered, retry, dead-letter, expired, acknowledged), channel and recipient agency");
        meter.CreateObservableGauge("exg.queue.depth", () => Pending(p => p.Count, fresh: true), "{message}",
            "Messages queued per recipient agency: not yet pushed with a 2xx, or not yet fetched from its mailbox");
        meter.CreateObservableGauge("exg.queue.oldest_age", () => Pending(p => p.Count == 0 ? 0 : Math.Max(0, (time.GetUtcNow() - p.OldestCreatedAt).TotalSeconds), fresh: false), "s",
            "Age of the oldest queued message per recipient agency (0 when none is queued)");
    }

    /// <summary>Counts a submission answered 2xx (<see cref="Accepted"/> or <see cref="Repeated"/>), and how long it took.</summary>
    public void Answered(string sender, string outcome, TimeSpan elapsed)
    {
        submissions.Add(1, new("outcome", outcome), new("agency", sender));
        acceptDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Counts a refused submission under its reason (one of <see cref="SubmissionRefusals"/>), and how long it took.</summary>
    public void Refuse(string sender, string reason, TimeSpan elapsed)
    {
        submissions.Add(1, new("outcome", Refused), new("reason", reason), new("agency", sender));
        acceptDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", Refused));
    }

    /// <summary>Counts a submission by its answer, however it came (the API, MESH): accepted, repeated, or refused with its reason.</summary>
    public void Submission(string sender, SubmissionAnswer answer, int bodyLength, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Status is >= 200 and < 300)
        {
            // A repeat (the same body again) adds no message: counted apart, or a retrying client would inflate acceptances.
            Answered(sender, answer.NewMessageIds is null ? Repeated : Accepted, elapsed);
        }
        else
        {
            Refuse(sender, SubmissionRefusals.Of(answer, bodyLength > Intake.SubmissionReader.MaxBytes), elapsed);
        }
    }

    /// <summary>Counts packages committed to the outbox under <paramref name="eventType"/> (a code: the event or document type).</summary>
    public void Queued(IEnumerable<OutgoingMessage> messages, string eventType)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            packagesSealed.Add(1, new("recipient_type", message.RecipientType), new("event_type", eventType));
        }
    }

    /// <summary>Counts delivery results (a <see cref="DeliveryOutcomes"/> code) on a channel, for one agency when known.</summary>
    public void Delivery(string outcome, DeliveryChannel channel, string? agency, int count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        var channelName = DeliveryChannelNames.Of(channel);
        if (agency is null)
        {
            deliveries.Add(count, new("outcome", outcome), new("channel", channelName));
        }
        else
        {
            deliveries.Add(count, new("outcome", outcome), new("channel", channelName), new("agency", agency));
        }
    }

    // One measurement per push agency (0 when nothing waits, so a series does not vanish when its queue empties), and
    // per mailbox agency only while something waits for it: England has thousands of GP practices, and OpenTelemetry
    // keeps 2,000 series a metric before it folds the rest into an overflow series. None when storage is down.
    private IEnumerable<Measurement<T>> Pending<T>(Func<PendingForAgency, T> value, bool fresh)
        where T : struct
    {
        var rows = ReadPending(fresh);
        if (rows is null)
        {
            return [];
        }

        var byAgency = rows.ToDictionary(r => r.Agency, StringComparer.Ordinal);
        foreach (var agency in directory.All.Where(a => a.Endpoint is not null))
        {
            byAgency.TryAdd(agency.Id, new PendingForAgency(agency.Id, 0, DateTimeOffset.MinValue));
        }

        return [.. byAgency.Values.OrderBy(p => p.Agency, StringComparer.Ordinal)
            .Select(p => new Measurement<T>(value(p), new KeyValuePair<string, object?>("agency", p.Agency)))];
    }

    private IReadOnlyList<PendingForAgency>? ReadPending(bool fresh)
    {
        lock (pendingLock)
        {
            // By the stopwatch, not the gateway's clock: a test's frozen clock would keep the first read forever.
            if (!fresh && lastPending is { } last && Stopwatch.GetElapsedTime(last.ReadAt) < PendingReadReuse)
            {
                return last.Rows;
            }

            IReadOnlyList<PendingForAgency>? rows = null;

            // While the workers wait out a storage fault, a scrape does not knock on the database either.
            if (!storage.IsPaused)
            {
                try
                {
                    rows = store.Snapshot(tx => tx.Admin.PendingByAgency());
                }
                catch (Exception ex) when (StorageHealth.IsFault(ex))
                {
                    // The scrape still answers, without the queue gauges; readiness and the workers report the fault.
                    log.LogDebug("Queue gauges left out of this scrape: storage unavailable");
                }
            }

            lastPending = (Stopwatch.GetTimestamp(), rows);
            return rows;
        }
    }
}

/// <summary>Why a submission was refused, as the <c>reason</c> label of <c>exg_submissions_total</c>: a closed set.</summary>
public static class SubmissionRefusals
{
    /// <summary>The body is not a valid submission (400), or a reply that does not fit the message it answers.</summary>
    public const string Invalid = "invalid";

    /// <summary>The body is over the intake's limit (or Kestrel's, by its Content-Length).</summary>
    public const string TooLarge = "too-large";

    /// <summary>The certificate's agency may not send this (403: <c>event.from</c> is another agency's).</summary>
    public const string Sender = "sender";

    /// <summary>The gateway cannot route it: unknown recipients, or a reply whose message or recipient is gone.</summary>
    public const string Routing = "routing";

    /// <summary>The submission id was used before for another body (409).</summary>
    public const string DuplicateConflict = "duplicate-conflict";

    /// <summary>The gateway cannot seal for a recipient (its certificate; 503, nothing stored).</summary>
    public const string SealingUnavailable = "sealing-unavailable";

    /// <summary>The database could not store it (503 with Retry-After, nothing stored).</summary>
    public const string StorageUnavailable = "storage-unavailable";

    /// <summary>The reason for an answer that names none, from its status.</summary>
    public static string Of(SubmissionAnswer answer, bool bodyTooLarge)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Refusal ?? (bodyTooLarge ? TooLarge : answer.Status switch
        {
            StatusCodes.Status403Forbidden => Sender,
            StatusCodes.Status404NotFound => Routing,
            StatusCodes.Status409Conflict => DuplicateConflict,
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            StatusCodes.Status503ServiceUnavailable => SealingUnavailable,
            _ => Invalid,
        });
    }
}

/// <summary>The <c>outcome</c> label of <c>exg_deliveries_total</c>: a closed set.</summary>
public static class DeliveryOutcomes
{
    /// <summary>Pushed and answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>A push attempt failed and is tried again later.</summary>
    public const string Retry = "retry";

    /// <summary>Given up: a 4xx answer, or retries ran out.</summary>
    public const string DeadLetter = "dead-letter";

    /// <summary>A mailbox message not acknowledged in time.</summary>
    public const string Expired = "expired";

    /// <summary>A mailbox message its agency acknowledged.</summary>
    public const string Acknowledged = "acknowledged";
}
