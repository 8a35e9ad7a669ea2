using System.Data.Common;

namespace ExchangeGateway.Storage.Relational;

/// <summary>
/// <see cref="IGatewayStore"/> over ADO.NET: each unit of work gets a connection from the adapter (<see cref="Acquire"/>),
/// one transaction, and the shared stores of every role. Store faults become <see cref="StorageUnavailableException"/>;
/// a transaction the database asks to repeat (a deadlock between instances) is run again, a few times.
/// </summary>
public abstract class RelationalStore : IGatewayStore
{
    private const int Attempts = 5;
    private volatile SimulatedStorageFault simulated;

    /// <summary>A store speaking <paramref name="dialect"/> on the clock <paramref name="time"/>.</summary>
    protected RelationalStore(SqlDialect dialect, TimeProvider time)
    {
        Dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
        Time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The adapter's SQL.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>The store's clock.</summary>
    public TimeProvider Time { get; }

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <summary>The fault the tests asked for, if any.</summary>
    protected SimulatedStorageFault Simulated => simulated;

    /// <inheritdoc/>
    public T InTransaction<T>(Func<IStoreTransaction, T> work) => Run(work, readOnly: false);

    /// <inheritdoc/>
    /// <remarks>Here the unit runs on the caller's thread; an adapter with one writer overrides this to group commits.</remarks>
    public virtual Task<T> InTransactionAsync<T>(Func<IStoreTransaction, T> work)
    {
        try
        {
            return Task.FromResult(InTransaction(work));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }

    /// <inheritdoc/>
    public T Snapshot<T>(Func<IStoreTransaction, T> work) => Run(work, readOnly: true);

    /// <inheritdoc/>
    public void ProveWritable()
    {
        try
        {
            using var lease = Acquire(readOnly: false);
            Dialect.ProveWritable(lease.Session);
            lease.Session.Transaction.Rollback();
        }
        catch (Exception ex) when (Dialect.IsFault(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <inheritdoc/>
    public virtual void Simulate(SimulatedStorageFault fault) => simulated = fault;

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the adapter's connections.</summary>
    protected abstract void Dispose(bool disposing);

    /// <summary>The stores of every role, enlisted in <paramref name="session"/>'s transaction (for an adapter's own unit-of-work loop).</summary>
    protected IStoreTransaction Enlist(DbSession session) => new RelationalTransaction(session, Time);

    /// <summary>A connection with a transaction begun on it (read-only: a consistent snapshot), held until the lease is disposed.</summary>
    protected abstract ConnectionLease Acquire(bool readOnly);

    // The seam's fault for a database error, with the adapter's one-line reason.
    private StorageUnavailableException Unavailable(Exception ex) => new($"{Dialect.Name} storage failed: {Dialect.Reason(ex)}", ex);

    private T Run<T>(Func<IStoreTransaction, T> work, bool readOnly)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var lease = Acquire(readOnly);
                var result = work(new RelationalTransaction(lease.Session, Time));
                if (readOnly)
                {
                    lease.Session.Transaction.Rollback();
                }
                else
                {
                    lease.Session.Transaction.Commit();
                }

                return result;
            }
            catch (Exception ex) when (Dialect.IsRetryable(ex))
            {
                // The database chose this transaction to abort; nothing of it was kept, so it is run again, a few times.
                if (attempt == Attempts)
                {
                    throw new StorageUnavailableException($"{Dialect.Name} storage kept aborting the transaction ({Dialect.Reason(ex)}); try again", ex);
                }
            }
            catch (Exception ex) when (ex is not StorageUnavailableException && Dialect.IsFault(ex))
            {
                throw Unavailable(ex);
            }
        }
    }
}

/// <summary>A connection and its transaction for one unit of work; disposing gives the connection back.</summary>
public abstract class ConnectionLease : IDisposable
{
    /// <summary>The session on the leased connection.</summary>
    public abstract DbSession Session { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Ends the transaction (rolled back unless committed) and gives the connection back.</summary>
    protected abstract void Dispose(bool disposing);
}

/// <summary>The unit of work over one session: the shared stores of every role.</summary>
internal sealed class RelationalTransaction(DbSession session, TimeProvider time) : IStoreTransaction
{
    public DbSession Session { get; } = session;

    public ISubmissionStore Submissions => field ??= new SqlSubmissionStore(Session, time);

    public IOutboxQueue PushQueue => field ??= new SqlPushQueue(Session, time);

    public IMailboxStore Mailbox => field ??= new SqlMailboxStore(Session, time);

    public IOutboxQueue MeshQueue => field ??= new SqlPushQueue(Session, time, DeliveryChannelNames.Mesh);

    public IMeshStore Mesh => field ??= new SqlMeshStore(Session, time);

    public IOutboxAdmin Admin => field ??= new SqlOutboxAdmin(Session, time);

    public IReleaseScheduleStore Schedule => field ??= new SqlReleaseScheduleStore(Session);

    public IAuditStore Audit => field ??= new SqlAuditStore(Session);

    public IResponseStore Responses => field ??= new SqlResponseStore(Session);

    public IEscalationStore Escalations => field ??= new SqlEscalationStore(Session);

    public IReleaseFactsStore ReleaseFacts => field ??= new SqlReleaseFactsStore(Session, time);

    public DateTimeOffset Now => time.GetUtcNow();

    public string ClaimSetting(string name, string value)
    {
        Session.Run("INSERT INTO gateway_settings(name, value) VALUES(@n, @v) ON CONFLICT (name) DO NOTHING", ("@n", name), ("@v", value));
        return (string)Session.Scalar("SELECT value FROM gateway_settings WHERE name = @n", ("@n", name))!;
    }
}
