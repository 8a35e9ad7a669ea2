using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The running gateway's outbox as the tests read it: each call one unit of work on its store.</summary>
public sealed class OutboxView(IGatewayStore store)
{
    /// <summary>The store under the view.</summary>
    public IGatewayStore Store => store;

    /// <summary>Message counts by state.</summary>
    public OutboxTotals Totals() => store.InTransaction(tx => tx.Admin.Totals());

    /// <summary>Messages newest first, optionally in one state.</summary>
    public IReadOnlyList<OutboxLine> List(string? status, int max) => store.InTransaction(tx => tx.Admin.List(status, max));

    /// <summary>Per-recipient state of a submission.</summary>
    public IReadOnlyList<TrackingLine> Track(string submissionId) => store.InTransaction(tx => tx.Submissions.Track(submissionId));

    /// <summary>The stored submission, or null.</summary>
    public StoredSubmission? FindSubmission(string submissionId) => store.InTransaction(tx => tx.Submissions.Find(submissionId));

    /// <summary>The release schedule's entries.</summary>
    public IReadOnlyList<ScheduleEntry> Schedule(bool overdueOnly = false) => store.InTransaction(tx => tx.Schedule.List(overdueOnly));

    /// <summary>Puts a storage fault on the gateway's database access, or lifts it.</summary>
    public void Simulate(SimulatedStorageFault fault) => store.Simulate(fault);
}
