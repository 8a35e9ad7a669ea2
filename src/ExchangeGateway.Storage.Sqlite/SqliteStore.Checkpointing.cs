using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage.Sqlite;

/// <summary>
/// WAL checkpoints off the writer's path. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold (1,000 pages, every 15 or so accepts here), copying the WAL into the database file and syncing it while
/// every other accept waits for the one writer. Here a connection of its own copies the WAL in the background
/// (PASSIVE: it never blocks the writer or a reader); the writer's automatic checkpoint stays as a backstop, at a
/// threshold the background one keeps the WAL under while it works. Durability is unchanged: a commit is durable once
/// its WAL frames are synced, which the writer still does before answering.
/// </summary>
public sealed partial class SqliteStore
{
    // Pages: about 40 MB of WAL before the writer checkpoints on its own.
    private const int BackstopPages = 10_000;

    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromMilliseconds(250);

    private readonly CancellationTokenSource stopCheckpoints = new();
    private Task checkpointing = Task.CompletedTask;
    private int checkpointsStopped;

    private void StartCheckpointing()
    {
        Execute(connection, $"PRAGMA wal_autocheckpoint={BackstopPages};");
        checkpointing = Task.Run(CheckpointInBackground);
    }

    private void StopCheckpointing()
    {
        if (Interlocked.Exchange(ref checkpointsStopped, 1) == 1)
        {
            return;
        }

        stopCheckpoints.Cancel();
        try
        {
            checkpointing.Wait();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OperationCanceledException))
        {
            // Stopped while waiting for the next tick.
        }

        stopCheckpoints.Dispose();
    }

    private async Task CheckpointInBackground()
    {
        using var checkpointer = Connection(Path, SqliteOpenMode.ReadWrite);
        using var timer = new PeriodicTimer(CheckpointEvery);
        while (await timer.WaitForNextTickAsync(stopCheckpoints.Token).ConfigureAwait(false))
        {
            try
            {
                if (checkpointer.State != System.Data.ConnectionState.Open)
                {
                    checkpointer.Open();
                }

                Execute(checkpointer, "PRAGMA wal_checkpoint(PASSIVE);");
            }
            catch (SqliteException)
            {
                // Tried again at the next tick; meanwhile the WAL keeps every commit and the writer's backstop bounds it.
            }
        }
    }
}
