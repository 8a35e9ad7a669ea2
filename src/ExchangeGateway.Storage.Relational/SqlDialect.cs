using System.Data.Common;

namespace ExchangeGateway.Storage.Relational;

/// <summary>Where the adapters' SQL and behaviour differ; everything else is written once in the shared stores.</summary>
public abstract class SqlDialect
{
    /// <summary>The adapter's name for messages ("SQLite", "PostgreSQL").</summary>
    public abstract string Name { get; }

    /// <summary>Appended to a SELECT that picks rows to claim: skips rows another instance is claiming (empty where one writer runs at a time).</summary>
    public abstract string SkipLocked { get; }

    /// <summary>An expression true when text column <paramref name="column"/> contains the text parameter <paramref name="parameter"/>.</summary>
    public abstract string Contains(string column, string parameter);

    /// <summary>The column that orders a submission's decisions as they were made.</summary>
    public abstract string DecisionOrder { get; }

    /// <summary>Holds a lock named by <paramref name="key"/> until the transaction ends, across every instance (no-op where one writer runs at a time).</summary>
    public abstract void Lock(DbSession session, StoreLock key);

    /// <summary>True when the exception says the database could not be read or written, not that the code is wrong.</summary>
    public abstract bool IsFault(Exception exception);

    /// <summary>True when the database asks for the whole transaction to be run again (a deadlock between instances).</summary>
    public abstract bool IsRetryable(Exception exception);

    /// <summary>A one-line reason without personal data, for logs and answers.</summary>
    public virtual string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return (exception as DbException ?? exception.InnerException as DbException ?? exception).Message.ReplaceLineEndings(" ");
    }

    /// <summary>A parameter value as the provider wants it (null as DBNull).</summary>
    public virtual object ToDb(object? value) => value ?? DBNull.Value;

    /// <summary>Whether a table exists.</summary>
    public abstract bool TableExists(DbSession session, string table);

    /// <summary>The names of the triggers present on the audit tables.</summary>
    public abstract IReadOnlyList<string> AuditTriggers(DbSession session);

    /// <summary>Writes something the database must persist and the caller rolls back: fails now on a read-only or unusable store.</summary>
    public abstract void ProveWritable(DbSession session);
}

/// <summary>The named locks the stores take.</summary>
public enum StoreLock
{
    /// <summary>Applying migrations.</summary>
    Migrations = 1,

    /// <summary>The audit trail's head: seq and prev_hash stay one chain.</summary>
    AuditHead = 2,

    /// <summary>Extending the audit person index.</summary>
    AuditIndex = 3,

    /// <summary>Extending the audit trail's Merkle tree.</summary>
    AuditTree = 4,
}
