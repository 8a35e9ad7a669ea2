using System.Data;
using System.Data.Common;
using System.Globalization;
using ExchangeGateway.Storage.Relational;
using Npgsql;

namespace ExchangeGateway.Storage.PostgreSql;

/// <summary>
/// The gateway's database on PostgreSQL: a pooled connection per unit of work, READ COMMITTED, every commit synchronous
/// (as SQLite's synchronous=FULL: acknowledged means on disk), so several instances
/// (and several threads of one) write at once. What must happen once is made so by conditional updates, row claims
/// and advisory locks in the shared SQL.
/// </summary>
public sealed class PostgreSqlStore : RelationalStore
{
    // Appended to every connection's startup options: a later -c wins, so a user's own setting cannot weaken it.
    private const string DurableCommits = "-c synchronous_commit=on";

    private readonly NpgsqlDataSource source;
    private readonly string where;

    private PostgreSqlStore(NpgsqlDataSource source, string where, TimeProvider time)
        : base(new PostgreSqlDialect(), time)
    {
        this.source = source;
        this.where = where;
    }

    /// <inheritdoc/>
    public override string Description => $"PostgreSQL {where}";

    /// <summary>The schema version this build brings a database to.</summary>
    public static int LatestVersion => Migrations.Count;

    private static IReadOnlyList<Migration> Migrations { get; } = Relational.Migrations.Embedded(typeof(PostgreSqlStore).Assembly);

    /// <summary>
    /// Opens the database named by a connection string or a postgres:// URL. With <paramref name="migrate"/> (the
    /// gateway) its schema is brought up to date; without (the admin commands) it must be exactly this build's, or a
    /// <see cref="StorageSchemaException"/> is thrown and nothing is changed. FormatException for a setting the driver
    /// cannot read; StorageUnavailableException for a database that cannot be reached or used.
    /// </summary>
    public static PostgreSqlStore Open(string connection, TimeProvider time, bool migrate = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        ArgumentNullException.ThrowIfNull(time);
        NpgsqlConnectionStringBuilder builder;
        NpgsqlDataSource source;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ToConnectionString(connection));

            // The gateway runs the same few dozen statements all day: let Npgsql prepare them on each connection (parse and
            // plan once), unless the setting already says otherwise.
            if (builder.MaxAutoPrepare == 0)
            {
                builder.MaxAutoPrepare = 100;
                builder.AutoPrepareMinUsages = 2;
            }

            source = NpgsqlDataSource.Create(builder);
        }
        catch (UriFormatException ex)
        {
            // The URI parser names what is wrong (a bad port), never the parts.
            throw new FormatException($"database: the postgres:// URL cannot be read: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            // The driver's message may quote a fragment of a badly quoted password (as a key it does not know), so
            // neither it nor the exception carrying it goes on: only the allowed keys are shown.
            throw new FormatException(
                $"database: the PostgreSQL driver does not accept the setting {DatabaseLocation.Display(connection)}: a key it does not know (check the spelling) or a value of the wrong type");
        }

        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        var store = new PostgreSqlStore(source, where, time);
        try
        {
            store.RequireDurableCommits();
            if (migrate)
            {
                Relational.Migrations.Migrate(store, Migrations);
            }
            else
            {
                Relational.Migrations.RequireLatest(store, Migrations);
            }

            return store;
        }
        catch (DbException ex)
        {
            // At open, whatever the driver or server refuses (no password given, a TLS failure, a login refused)
            // means the database cannot be used; later, only store faults are.
            store.Dispose();
            throw new StorageUnavailableException($"PostgreSQL {where} cannot be used: {store.Dialect.Reason(ex)}", ex);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The Npgsql connection string the store connects with: a postgres:// URL converted, and synchronous_commit forced
    /// on for every connection (after any Options given), so a commit is on disk before it is acknowledged, as SQLite's
    /// synchronous=FULL.
    /// </summary>
    public static string ToConnectionString(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var builder = setting.Contains("://", StringComparison.Ordinal) ? FromUrl(setting) : new NpgsqlConnectionStringBuilder(setting);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? DurableCommits : $"{builder.Options} {DurableCommits}";
        return builder.ConnectionString;
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string setting)
    {
        var uri = new Uri(setting);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(parts[0])] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "true";
        }

        return builder;
    }

    // Startup options outrank role and database settings, but a pooler in between may drop them: read the value back.
    private void RequireDurableCommits()
    {
        using var connection = source.OpenConnection();
        using var command = new NpgsqlCommand("SHOW synchronous_commit", connection);
        var value = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (value != "on")
        {
            throw new StorageSchemaException(
                $"{Description}: synchronous_commit is {value}, not on, although the gateway asks for on when it connects (does a pooler in between drop startup options?): a crash could lose a submission already acknowledged");
        }
    }

    /// <inheritdoc/>
    protected override ConnectionLease Acquire(bool readOnly)
    {
        var connection = source.OpenConnection();
        try
        {
            // A snapshot reads one moment across statements; writes see each statement's newest committed rows.
            var transaction = connection.BeginTransaction(readOnly ? IsolationLevel.RepeatableRead : IsolationLevel.ReadCommitted);
            var session = new DbSession(connection, transaction, Dialect);
            if (readOnly || Simulated != SimulatedStorageFault.None)
            {
                session.Run("SET TRANSACTION READ ONLY");
            }

            return new Lease(session, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            source.Dispose();
        }
    }

    private sealed class Lease(DbSession session, NpgsqlConnection connection) : ConnectionLease
    {
        public override DbSession Session => session;

        protected override void Dispose(bool disposing)
        {
            session.Transaction.Dispose();
            connection.Dispose();
        }
    }
}
