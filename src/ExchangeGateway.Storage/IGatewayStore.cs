namespace ExchangeGateway.Storage;

/// <summary>
/// The gateway's database, whichever adapter holds it: runs units of work. Everything one event writes (a submission's
/// packages, decisions, schedule entries and audit entries) is written through one <see cref="IStoreTransaction"/>, so
/// it commits together or not at all.
/// </summary>
public interface IGatewayStore : IDisposable
{
    /// <summary>What the store is, for logs and errors: the adapter and where (never a password).</summary>
    string Description { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits unless it throws. A database that cannot be reached,
    /// is full or read-only throws <see cref="StorageUnavailableException"/>; the work may be run again when the database
    /// asks for that (a deadlock between instances), so it must only write through the transaction.
    /// </summary>
    T InTransaction<T>(Func<IStoreTransaction, T> work);

    /// <summary>
    /// As <see cref="InTransaction{T}"/>, for a caller that should wait for its turn without holding a thread (a request):
    /// an adapter may commit concurrent units of work together, one durable commit for the group. The task completes only
    /// once the commit holding <paramref name="work"/> is durable; work that throws fails alone, and a group whose commit
    /// fails is run again unit by unit, so each caller hears its own outcome.
    /// </summary>
    Task<T> InTransactionAsync<T>(Func<IStoreTransaction, T> work);

    /// <summary>Runs read-only <paramref name="work"/> on one consistent snapshot (the verifier, exports, reports).</summary>
    T Snapshot<T>(Func<IStoreTransaction, T> work);

    /// <summary>Proves the database takes writes now (a write rolled back); a store that does not throws <see cref="StorageUnavailableException"/>.</summary>
    void ProveWritable();

    /// <summary>Test hook: makes this process's writes fail as a full or read-only database would, or behave normally again.</summary>
    void Simulate(SimulatedStorageFault fault);
}

/// <summary>One unit of work: the stores of every role, all enlisted in the same transaction.</summary>
public interface IStoreTransaction
{
    /// <summary>Submissions, the people they are about, and their tracking.</summary>
    ISubmissionStore Submissions { get; }

    /// <summary>Messages pushed to agency endpoints.</summary>
    IOutboxQueue PushQueue { get; }

    /// <summary>Messages agencies pull.</summary>
    IMailboxStore Mailbox { get; }

    /// <summary>Messages waiting to be sent through MESH, claimed like pushes.</summary>
    IOutboxQueue MeshQueue { get; }

    /// <summary>Messages sent through MESH: their MESH ids and what MESH says of them.</summary>
    IMeshStore Mesh { get; }

    /// <summary>Administration of the outbox: totals, listing, retry and cancel.</summary>
    IOutboxAdmin Admin { get; }

    /// <summary>The release schedule.</summary>
    IReleaseScheduleStore Schedule { get; }

    /// <summary>The audit trail's rows.</summary>
    IAuditStore Audit { get; }

    /// <summary>Business responses to messages.</summary>
    IResponseStore Responses { get; }

    /// <summary>Escalations raised when the loop does not close.</summary>
    IEscalationStore Escalations { get; }

    /// <summary>The facts of release records and engagement reports the continuity report counts.</summary>
    IReleaseFactsStore ReleaseFacts { get; }

    /// <summary>The time now by this instance's clock (instances on one database keep their clocks in step, as with NTP).</summary>
    DateTimeOffset Now { get; }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="name"/> unless a value is stored already, and returns the
    /// stored one: what the first instance on a database set, every later one must match.
    /// </summary>
    string ClaimSetting(string name, string value);
}

/// <summary>The database could not be read or written (unreachable, full, read-only, I/O error): back off, do not crash.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database's schema is not one this build can use (newer than the code, or a migration failed).</summary>
public sealed class StorageSchemaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A storage fault the tests can put on this process's database access; nothing is stored.</summary>
public enum SimulatedStorageFault
{
    /// <summary>Storage behaves normally.</summary>
    None,

    /// <summary>Writes that need space fail, as on a full disk.</summary>
    Full,

    /// <summary>Every write fails, as on a file system remounted read-only.</summary>
    ReadOnly,
}

/// <summary>Units of work that return nothing.</summary>
public static class GatewayStoreExtensions
{
    /// <summary>Runs <paramref name="work"/> in one transaction and commits unless it throws.</summary>
    public static void InTransaction(this IGatewayStore store, Action<IStoreTransaction> work)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(work);
        store.InTransaction(transaction =>
        {
            work(transaction);
            return 0;
        });
    }
}
