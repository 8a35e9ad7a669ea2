using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Storage.Selection;

/// <summary>Opens the store a <see cref="DatabaseLocation"/> names: migrated for the gateway, checked but unchanged for the admin commands.</summary>
public static class StorageSelection
{
    /// <summary>The most units of work (accepts, push claims and results) SQLite commits together unless told otherwise (PostgreSQL groups its own WAL flushes).</summary>
    public const int DefaultGroupCommitLimit = SqliteStore.DefaultGroupLimit;

    /// <summary>
    /// Opens the store for the <c>--database</c> setting (<paramref name="setting"/>, may be null) and the data folder
    /// (the SQLite default), with its schema brought up to date. FormatException for a setting that names no database;
    /// StorageUnavailableException for one that cannot be reached; StorageSchemaException for a schema this build
    /// cannot use.
    /// </summary>
    public static IGatewayStore Open(string? setting, string? dataFolder, TimeProvider time) => Open(DatabaseLocation.Parse(setting, dataFolder), time);

    /// <summary>
    /// Opens the store at <paramref name="location"/>. With <paramref name="migrate"/> (the gateway, at start) its
    /// schema is brought up to date; without (the admin commands) nothing in the schema is changed and a database whose
    /// schema is not exactly this build's is refused with a <see cref="StorageSchemaException"/> naming both versions.
    /// <paramref name="groupCommitLimit"/> is the most units of work SQLite commits together (1: one commit each).
    /// </summary>
    public static IGatewayStore Open(DatabaseLocation location, TimeProvider time, bool migrate = true, int groupCommitLimit = DefaultGroupCommitLimit)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Kind switch
        {
            DatabaseKind.Sqlite => SqliteStore.Open(location.Target, time, migrate, groupCommitLimit),
            DatabaseKind.PostgreSql => PostgreSqlStore.Open(location.Target, time, migrate),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Kind, "no adapter for this kind of database"),
        };
    }
}
