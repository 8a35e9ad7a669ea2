using ExchangeGateway.Storage.Relational;
using Npgsql;

namespace ExchangeGateway.Storage.PostgreSql;

/// <summary>PostgreSQL's SQL: several instances write at once, so claims skip locked rows and the audit head is an advisory lock.</summary>
public sealed class PostgreSqlDialect : SqlDialect
{
    // An application-wide prefix for the advisory lock keys, so they do not collide with another application's.
    private const long LockSpace = 0x4558_4700_0000_0000;

    /// <inheritdoc/>
    public override string Name => "PostgreSQL";

    /// <inheritdoc/>
    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc/>
    public override string DecisionOrder => "d.ordinal";

    /// <inheritdoc/>
    public override string Contains(string column, string parameter) => $"strpos({column}, {parameter}) > 0";

    /// <inheritdoc/>
    public override void Lock(DbSession session, StoreLock key)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Scalar("SELECT pg_advisory_xact_lock(@k)", ("@k", LockSpace + (long)key));
    }

    /// <inheritdoc/>
    public override bool IsFault(Exception exception) => exception switch
    {
        PostgresException postgres => IsStoreState(postgres.SqlState),

        // Not an answer from the server: no connection, a broken one, or none free in the pool in time. Npgsql marks
        // those transient (an IOException, SocketException or TimeoutException inside). Any other NpgsqlException,
        // such as NpgsqlOperationInProgressException (two commands at once on one connection), is a bug and stays one.
        NpgsqlException { InnerException: PostgresException postgres } => IsStoreState(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        null => false,
        _ => exception.InnerException is { } inner && IsFault(inner),
    };

    /// <inheritdoc/>
    public override bool IsRetryable(Exception exception) =>
        (exception as PostgresException ?? exception?.InnerException as PostgresException)?.SqlState is "40P01" or "40001";

    /// <inheritdoc/>
    public override string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // The server's message text only: its detail may quote row values.
        return exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : base.Reason(exception);
    }

    /// <inheritdoc/>
    public override bool TableExists(DbSession session, string table)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Long("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @t", ("@t", table)) == 1;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> AuditTriggers(DbSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Rows(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND c.relname LIKE 'audit%' AND c.relnamespace = current_schema()::regnamespace ORDER BY t.tgname",
            r => r.GetString(0));
    }

    /// <inheritdoc/>
    public override void ProveWritable(DbSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Run("UPDATE schema_version SET name = name WHERE version = (SELECT MAX(version) FROM schema_version)");
    }

    // Connection exceptions (08), insufficient resources such as a full disk (53), operator intervention such as a
    // shutdown (57), system errors (58), a login refused (28) or a database missing (3D), and a read-only transaction
    // (25006): the database, not the statement.
    private static bool IsStoreState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal) || state.StartsWith("57", StringComparison.Ordinal)
        || state.StartsWith("58", StringComparison.Ordinal) || state.StartsWith("28", StringComparison.Ordinal) || state.StartsWith("3D", StringComparison.Ordinal) || state == "25006";
}
