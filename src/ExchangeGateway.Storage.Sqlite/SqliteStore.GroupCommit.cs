using System.Threading.Channels;
using ExchangeGateway.Storage.Relational;

namespace ExchangeGateway.Storage.Sqlite;

/// <summary>
/// Group commit on the one writing connection: units of work awaited by requests queue here without holding a thread,
/// and whatever has queued while the previous commit was syncing is committed together, one fsync for the group. Each
/// unit runs under a savepoint of its own, so one that throws is rolled back alone and its caller hears its exception;
/// when the group itself cannot commit (a full disk, an I/O error), each unit is run again in a transaction of its own,
/// so every caller hears its own outcome and nothing is half-written.
/// </summary>
public sealed partial class SqliteStore
{
    private readonly Channel<QueuedUnit> queued = Channel.CreateUnbounded<QueuedUnit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writing;

    /// <summary>The most units committed together unless told otherwise.</summary>
    public const int DefaultGroupLimit = 32;

    private long groupsCommitted;
    private long unitsGrouped;

    /// <summary>How many groups of two or more units were committed together so far, and how many units they held.</summary>
    public (long Groups, long Units) Grouped => (Interlocked.Read(ref groupsCommitted), Interlocked.Read(ref unitsGrouped));


    /// <inheritdoc/>
    public override Task<T> InTransactionAsync<T>(Func<IStoreTransaction, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var unit = new QueuedUnit<T>(work);
        return queued.Writer.TryWrite(unit) ? unit.Task : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteStore)));
    }

    // Units queued before the store was disposed are still committed (or failed) before the connection closes.
    private void StopGroups()
    {
        queued.Writer.TryComplete();
        writing.Wait();
    }

    private async Task WriteGroups()
    {
        var group = new List<QueuedUnit>();
        while (await queued.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (group.Count < groupLimit && queued.Reader.TryRead(out var unit))
            {
                group.Add(unit);
            }

            try
            {
                if (group.Count == 1 || !CommitTogether(group))
                {
                    foreach (var unit in group)
                    {
                        unit.RunAlone(this);
                    }
                }
            }
            catch (Exception ex)
            {
                // Never expected (each unit's own exceptions are caught below); the callers hear it, the loop goes on.
                foreach (var unit in group)
                {
                    unit.Fail(ex);
                }
            }

            group.Clear();
        }
    }

    // True when the group committed and every caller has its answer; false when nothing of it was kept.
    private bool CommitTogether(List<QueuedUnit> group)
    {
        lock (gate)
        {
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var enlisted = Enlist(new DbSession(connection, transaction, Dialect, cache));
                foreach (var unit in group)
                {
                    transaction.Save("unit");
                    try
                    {
                        unit.Run(enlisted);
                        transaction.Release("unit");
                    }
                    catch (Exception ex) when (!Dialect.IsFault(ex) && ex is not StorageUnavailableException)
                    {
                        // The unit's own refusal (a rule, a conflict): its writes go, the group's stay.
                        transaction.Rollback("unit");
                        transaction.Release("unit");
                        unit.Refuse(ex);
                    }
                }

                transaction.Commit();
            }
            catch (Exception)
            {
                // A fault of the database (full, read-only, I/O) or anything else the group as a whole met: the transaction
                // has rolled back, nothing of the group was kept, and each unit is run alone to meet its own outcome.
                return false;
            }

            Interlocked.Increment(ref groupsCommitted);
            Interlocked.Add(ref unitsGrouped, group.Count);
        }

        foreach (var unit in group)
        {
            unit.Answer();
        }

        return true;
    }

    /// <summary>A unit of work waiting for the writer, and how its caller is answered.</summary>
    private abstract class QueuedUnit
    {
        public abstract void Run(IStoreTransaction transaction);

        public abstract void Refuse(Exception exception);

        public abstract void Answer();

        public abstract void RunAlone(SqliteStore store);

        public abstract void Fail(Exception exception);
    }

    private sealed class QueuedUnit<T>(Func<IStoreTransaction, T> work) : QueuedUnit
    {
        private readonly TaskCompletionSource<T> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? result;
        private Exception? refusal;

        public Task<T> Task => answer.Task;

        public override void Run(IStoreTransaction transaction)
        {
            refusal = null;
            result = work(transaction);
        }

        public override void Refuse(Exception exception) => refusal = exception;

        public override void Answer()
        {
            if (refusal is null)
            {
                answer.TrySetResult(result!);
            }
            else
            {
                answer.TrySetException(refusal);
            }
        }

        public override void Fail(Exception exception) => answer.TrySetException(exception);

        public override void RunAlone(SqliteStore store)
        {
            try
            {
                answer.TrySetResult(store.InTransaction(work));
            }
            catch (Exception ex)
            {
                answer.TrySetException(ex);
            }
        }
    }
}
