using ExchangeGateway.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage.Sqlite;

/// <summary>SQLite's SQL: one writer at a time (BEGIN IMMEDIATE), so no row claims or named locks are needed.</summary>
public sealed class SqliteDialect : SqlDialect
{
    // SQLite's primary result codes that say the store, not the statement, failed: BUSY, LOCKED, NOMEM, READONLY,
    // IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL. A constraint, a trigger's RAISE or a misuse is a bug and stays one.
    private static readonly HashSet<int> StoreCodes = [5, 6, 7, 8, 10, 11, 13, 14, 15];

    /// <inheritdoc/>
    public override string Name => "SQLite";

    /// <inheritdoc/>
    public override string SkipLocked => "";

    /// <inheritdoc/>
    public override string DecisionOrder => "d.rowid";

    /// <inheritdoc/>
    public override string Contains(string column, string parameter) => $"instr({column}, {parameter}) > 0";

    /// <inheritdoc/>
    public override void Lock(DbSession session, StoreLock key)
    {
        // The write transaction is IMMEDIATE: it already excludes every other writer.
    }

    /// <inheritdoc/>
    public override bool IsFault(Exception exception) =>
        (exception as SqliteException ?? exception?.InnerException as SqliteException) is { } sqlite && StoreCodes.Contains(sqlite.SqliteErrorCode & 0xFF);

    /// <inheritdoc/>
    public override bool IsRetryable(Exception exception) => false;

    /// <inheritdoc/>
    public override string Reason(Exception exception) =>
        (exception as SqliteException ?? exception?.InnerException as SqliteException) is { } sqlite
            ? $"{sqlite.Message.ReplaceLineEndings(" ")} (extended code {sqlite.SqliteExtendedErrorCode})"
            : base.Reason(exception!);

    /// <inheritdoc/>
    public override bool TableExists(DbSession session, string table)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Long("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @t", ("@t", table)) == 1;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> AuditTriggers(DbSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Rows("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%' ORDER BY name", r => r.GetString(0));
    }

    /// <inheritdoc/>
    public override void ProveWritable(DbSession session)
    {
        ArgumentNullException.ThrowIfNull(session);

        // A header write: SQLite opens a read-only file without complaint and would fail only at the first submission.
        var version = session.Long("PRAGMA user_version") ?? 0;
        session.Run($"PRAGMA user_version = {version}");
    }
}
