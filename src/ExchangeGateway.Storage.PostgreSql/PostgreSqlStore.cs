using System.Data;
using ExchangeGateway.Storage.Relational;
using Npgsql;

namespace ExchangeGateway.Storage.PostgreSql;

/// <summary>
/// The gateway's database on PostgreSQL: a pooled connection per unit of work, READ COMMITTED, so several instances
/// (and several threads of one) write at once. What must happen once is made so by conditional updates, row claims
/// and advisory locks in the shared SQL.
/// </summary>
public sealed class PostgreSqlStore : RelationalStore
{
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

    private static IReadOnlyList<Migration> Migrations { get; } = Relational.Migrations.Embedded(typeof(PostgreSqlStore).Assembly);

    /// <summary>Opens the database named by a connection string or a postgres:// URL and brings its schema up to date.</summary>
    public static PostgreSqlStore Open(string connection, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        ArgumentNullException.ThrowIfNull(time);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ToConnectionString(connection));
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException or FormatException)
        {
            // The driver names the key it does not know, never the values (a password).
            throw new FormatException($"database: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }

        var where = $"{builder.Host}:{builder.Port}/{builder.Database}";
        var source = NpgsqlDataSource.Create(builder);
        var store = new PostgreSqlStore(source, where, time);
        try
        {
            store.Migrate(Migrations);
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>A postgres:// URL as an Npgsql connection string; a connection string as it is.</summary>
    public static string ToConnectionString(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        if (!setting.Contains("://", StringComparison.Ordinal))
        {
            return setting;
        }

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

        return builder.ConnectionString;
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
