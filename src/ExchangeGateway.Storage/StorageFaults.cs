using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage;

/// <summary>Tells a failure of the database (disk full, read-only, I/O error, locked) from a bug, so callers can back off instead of crash.</summary>
public static class StorageFaults
{
    // SQLite's primary result codes that say the store, not the statement, failed: BUSY, LOCKED, NOMEM, READONLY,
    // IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL. A constraint, a trigger's RAISE or a misuse is a bug and stays one.
    private static readonly HashSet<int> StoreCodes = [5, 6, 7, 8, 10, 11, 13, 14, 15];

    /// <summary>
    /// True when the exception says the database could not be read or written, not that the code is wrong. Only the
    /// database's own errors count: an IOException in a request is as likely a client's broken body (Kestrel's
    /// BadHttpRequestException is one) as a disk.
    /// </summary>
    public static bool IsFault(Exception exception) =>
        (exception as SqliteException ?? exception?.InnerException as SqliteException) is { } sqlite && StoreCodes.Contains(sqlite.SqliteErrorCode & 0xFF);

    /// <summary>A one-line reason without a stack trace, for logs and answers (SQLite's messages carry no personal data).</summary>
    public static string Reason(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var fault = exception.InnerException is SqliteException inner ? inner : exception;
        return fault.Message.ReplaceLineEndings(" ");
    }
}

/// <summary>A storage fault the tests can put on the gateway's own connection; neither setting is stored in the file.</summary>
public enum SimulatedStorageFault
{
    /// <summary>Storage behaves normally.</summary>
    None,

    /// <summary>The file may not grow (PRAGMA max_page_count at its current size): writes that need space fail with SQLITE_FULL, as on a full disk.</summary>
    Full,

    /// <summary>Every write fails (PRAGMA query_only), as on a file system remounted read-only.</summary>
    ReadOnly,
}
