using System.Collections.Concurrent;
using ExchangeGateway.Domain;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// The base of the storage conformance suites: each suite (one per role) is written once against <see cref="IGatewayStore"/>
/// and run by one concrete class per adapter, so every adapter must behave the same. xunit makes a new instance per
/// test, so each test has a database of its own.
/// </summary>
public abstract class StoreConformanceTests<TTarget> : IAsyncLifetime
    where TTarget : StoreTarget, new()
{
    /// <summary>When every test starts.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 3, 13, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The lease push claims take in these tests.</summary>
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly ConcurrentQueue<IGatewayStore> opened = new();
    private IGatewayStore? store;

    /// <summary>The adapter and the test's database.</summary>
    protected TTarget Target { get; } = new();

    /// <summary>The stores' clock, moved by hand.</summary>
    protected FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>The test's store, opened (and the schema migrated) on first use.</summary>
    protected IGatewayStore Store => store ??= Open();

    /// <inheritdoc/>
    public Task InitializeAsync() => Target.InitializeAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        while (opened.TryDequeue(out var open))
        {
            open.Dispose();
        }

        await Target.DisposeAsync();
    }

    /// <summary>Opens another store on the test's database (another gateway instance), closed after the test.</summary>
    protected IGatewayStore Open(TimeProvider? time = null)
    {
        var open = Target.Open(time ?? Clock);
        opened.Enqueue(open);
        return open;
    }

    /// <summary>
    /// A submission about the person nhs:abc with its messages and a decision per recipient (one per recipient, as the
    /// gateway decides: where a test gives one agency several messages, tracking shows the first).
    /// </summary>
    protected static AcceptedSubmission Submission(string id, string hash = "h1", string? withdrawnAt = null, params OutgoingMessage[] messages) => new(
        id, "HLI", EventTypes.Release, hash, ["nhs:abc"],
        [.. messages.DistinctBy(m => m.Recipient).Select(m => new RecipientDecision(m.Recipient, m.RecipientType, "shared", "consented", m.MessageId))],
        messages, $"{{\"submissionId\":\"{id}\"}}", new KnownAgencies("B86030", "CJIT-LEEDS"), withdrawnAt);

    /// <summary>A message pushed to an agency's endpoint.</summary>
    protected static OutgoingMessage Push(string id, string agency = "CJIT-LEEDS") =>
        new(id, agency, AgencyTypes.Cjit, DeliveryChannel.Push, "http://127.0.0.1:1/agencies/" + agency, [1, 2, 3]);

    /// <summary>A message left in an agency's mailbox.</summary>
    protected static OutgoingMessage Mail(string id, string agency = "B86030") => new(id, agency, AgencyTypes.Gp, DeliveryChannel.Mailbox, null, [4, 5, 6]);

    /// <summary>Accepts a submission in a unit of work of its own.</summary>
    protected AcceptResult Accept(AcceptedSubmission submission) => Store.InTransaction(t => t.Submissions.Accept(submission));

    /// <summary>Reads on one snapshot.</summary>
    protected T Read<T>(Func<IStoreTransaction, T> read) => Store.Snapshot(read);

    /// <summary>The message counts by state.</summary>
    protected OutboxTotals Totals() => Read(t => t.Admin.Totals());

    /// <summary>Claims due push messages for the instance "test" and returns their ids.</summary>
    protected IReadOnlyList<string> Claim(int max, IReadOnlyCollection<string>? skip = null, IReadOnlyCollection<string>? busy = null) =>
        [.. Store.InTransaction(t => t.PushQueue.Claim(max, skip ?? [], busy ?? [], "test", Lease)).Select(m => m.MessageId)];

    /// <summary>The tracking line of one message.</summary>
    protected TrackingLine Line(string submissionId, string messageId) => Read(t => t.Submissions.Track(submissionId)).Single(l => l.MessageId == messageId);

    /// <summary>Asserts that <paramref name="error"/> is the adapter's own refusal (its provider's exception), as the adapter throws it.</summary>
    protected void AssertProviderRefusal(Exception? error, string because)
    {
        Assert.NotNull(error);
        Assert.IsAssignableFrom(Target.ProviderException, error);
        Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Runs work on dedicated threads released together (the thread pool would start them one by one).</summary>
internal static class Concurrently
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="body"/> on <paramref name="threads"/> threads, each given its index; fails with every exception any of them threw.</summary>
    public static void Run(int threads, Action<int> body)
    {
        using var start = new Barrier(threads);
        var errors = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            try
            {
                start.SignalAndWait(Limit);
                body(i);
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        var stuck = workers.Count(w => !w.Join(Limit));
        Assert.True(stuck == 0, $"{stuck} of {threads} threads did not finish within {Limit}");
        if (!errors.IsEmpty)
        {
            throw new AggregateException(errors);
        }
    }
}
