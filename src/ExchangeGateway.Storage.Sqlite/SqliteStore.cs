using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using ExchangeGateway.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage.Sqlite;

/// <summary>
/// The embedded default: one SQLite file; one writing connection, one unit of work at a time; read snapshots on
/// connections of their own, so a read never waits behind a write's fsync (WAL lets readers and the writer run
/// together). WAL and synchronous=FULL are read back after they are set: a filesystem that cannot do WAL must stop the
/// gateway rather than weaken "accepted means stored". Units of work awaited by requests are committed in groups
/// (<see cref="InTransactionAsync{T}"/>).
/// </summary>
public sealed partial class SqliteStore : RelationalStore
{
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();
    private readonly CommandCache cache = new();
    private readonly ConcurrentBag<Reader> readers = [];

    private readonly int groupLimit;

    private SqliteStore(SqliteConnection connection, string path, TimeProvider time, int groupLimit)
        : base(new SqliteDialect(), time)
    {
        this.connection = connection;
        this.groupLimit = groupLimit;
        Path = path;
        writing = Task.Run(WriteGroups);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override string Description => $"SQLite {Path}";

    /// <summary>The schema version this build brings a database to.</summary>
    public static int LatestVersion => Migrations.Count;

    private static IReadOnlyList<Migration> Migrations { get; } = Relational.Migrations.Embedded(typeof(SqliteStore).Assembly);

    /// <summary>
    /// Opens the database file. With <paramref name="migrate"/> (the gateway) the file is created if needed and its
    /// schema brought up to date; without (the admin commands) the file must exist and its schema be exactly this
    /// build's, or a <see cref="StorageSchemaException"/> is thrown before anything in the file is changed.
    /// <paramref name="groupLimit"/> is the most units of work committed together (1: each alone, one fsync each).
    /// </summary>
    public static SqliteStore Open(string path, TimeProvider time, bool migrate = true, int groupLimit = DefaultGroupLimit)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupLimit, 1);
        var full = System.IO.Path.GetFullPath(path);
        if (migrate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        }

        var connection = Connection(full, migrate ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite);
        SqliteStore? store = null;
        try
        {
            connection.Open();
            store = new SqliteStore(connection, full, time, groupLimit);
            if (migrate)
            {
                Configure(connection, full);
                RefuseEarlierAuditFormat(connection);
                Relational.Migrations.Migrate(store, Migrations);
            }
            else
            {
                // Checked before WAL is set: turning it on writes to the file, and a file of another schema is left as it was.
                RefuseEarlierAuditFormat(connection);
                Relational.Migrations.RequireLatest(store, Migrations);
                Configure(connection, full);
            }

            store.StartCheckpointing();
            return store;
        }
        catch (Exception ex) when (new SqliteDialect().IsFault(ex))
        {
            Close(store, connection);
            throw new StorageUnavailableException($"SQLite {full} cannot be used: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
        catch
        {
            Close(store, connection);
            throw;
        }
    }

    /// <inheritdoc/>
    public override void Simulate(SimulatedStorageFault fault)
    {
        base.Simulate(fault);
        lock (gate)
        {
            // 4294967294 is SQLite's largest page count: "no cap". A cap below the current size is raised to it.
            Execute(connection, fault == SimulatedStorageFault.Full ? "PRAGMA max_page_count = 1" : "PRAGMA max_page_count = 4294967294");
            Execute(connection, fault == SimulatedStorageFault.ReadOnly ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0");
            var readOnly = Scalar(connection, "PRAGMA query_only");
            if (readOnly != (fault == SimulatedStorageFault.ReadOnly ? "1" : "0"))
            {
                throw new InvalidOperationException($"PRAGMA query_only is {readOnly} after simulating {fault}");
            }
        }
    }

    /// <inheritdoc/>
    protected override ConnectionLease Acquire(bool readOnly)
    {
        if (readOnly)
        {
            return AcquireReader();
        }

        gate.Enter();
        try
        {
            // IMMEDIATE (two writers cannot read the same audit head); read snapshots took their own connection above.
            var transaction = connection.BeginTransaction(deferred: false);
            return new Lease(new DbSession(connection, transaction, Dialect, cache), gate);
        }
        catch
        {
            gate.Exit();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopGroups();
            StopCheckpointing();
            lock (gate)
            {
                cache.Clear();
                connection.Dispose();
            }

            while (readers.TryTake(out var reader))
            {
                reader.Dispose();
            }
        }
    }

    // A deferred transaction on a reading connection: its snapshot starts at its first read. Connections are kept for
    // the next snapshot, as many as snapshots ran at once.
    private ReaderLease AcquireReader()
    {
        if (!readers.TryTake(out var reader))
        {
            var opened = Connection(Path, SqliteOpenMode.ReadOnly);
            try
            {
                opened.Open();
            }
            catch
            {
                opened.Dispose();
                throw;
            }

            reader = new Reader(opened, new CommandCache());
        }

        try
        {
            return new ReaderLease(new DbSession(reader.Connection, reader.Connection.BeginTransaction(deferred: true), Dialect, reader.Cache), reader, readers);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    // Every connection to the file alike: the writer, the readers and the checkpointer; unpooled, as each is kept open.
    private static SqliteConnection Connection(string path, SqliteOpenMode mode) => new(new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false,
        DefaultTimeout = 30,
    }.ToString());

    private static void Close(SqliteStore? store, SqliteConnection connection)
    {
        if (store is null)
        {
            connection.Dispose();
        }
        else
        {
            store.Dispose();
        }
    }

    private static void Configure(SqliteConnection connection, string path)
    {
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, "PRAGMA synchronous=FULL;");
        Execute(connection, "PRAGMA foreign_keys=ON;");
        Execute(connection, "PRAGMA busy_timeout=30000;");
        var journal = Scalar(connection, "PRAGMA journal_mode;");
        var synchronous = Scalar(connection, "PRAGMA synchronous;");
        if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageSchemaException($"database {path}: journal_mode is {journal}, not WAL");
        }

        // 2 is FULL.
        if (synchronous != "2")
        {
            throw new StorageSchemaException($"database {path}: synchronous is {synchronous}, not FULL");
        }
    }

    // Entries without a subjects column were hashed differently; carrying on would mix two formats in one chain.
    private static void RefuseEarlierAuditFormat(SqliteConnection connection)
    {
        var counts = Scalar(connection, "SELECT COUNT(*) || ',' || COUNT(*) FILTER (WHERE name = 'subjects') FROM pragma_table_info('audit_entries')")!.Split(',');
        if (counts[0] != "0" && counts[1] == "0")
        {
            throw new StorageSchemaException("audit_entries has no subjects column: the trail was written by an earlier build; export it with that build and start a new data folder");
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private sealed record Reader(SqliteConnection Connection, CommandCache Cache) : IDisposable
    {
        public void Dispose()
        {
            Cache.Clear();
            Connection.Dispose();
        }
    }

    private sealed class ReaderLease(DbSession session, Reader reader, ConcurrentBag<Reader> pool) : ConnectionLease
    {
        public override DbSession Session => session;

        protected override void Dispose(bool disposing)
        {
            try
            {
                session.Transaction.Dispose();
                pool.Add(reader);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }
    }

    private sealed class Lease(DbSession session, Lock gate) : ConnectionLease
    {
        public override DbSession Session => session;

        protected override void Dispose(bool disposing)
        {
            try
            {
                session.Transaction.Dispose();
            }
            finally
            {
                gate.Exit();
            }
        }
    }
}
