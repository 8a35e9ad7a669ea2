using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Storage.Selection;

/// <summary>Opens the store a <see cref="DatabaseLocation"/> names, with its schema brought up to date.</summary>
public static class StorageSelection
{
    /// <summary>
    /// Opens the store for the <c>--database</c> setting (<paramref name="setting"/>, may be null) and the data folder
    /// (the SQLite default). FormatException for a setting that names no database; StorageUnavailableException for
    /// one that cannot be reached; StorageSchemaException for a schema this build cannot use.
    /// </summary>
    public static IGatewayStore Open(string? setting, string? dataFolder, TimeProvider time) => Open(DatabaseLocation.Parse(setting, dataFolder), time);

    /// <summary>Opens the store at <paramref name="location"/>.</summary>
    public static IGatewayStore Open(DatabaseLocation location, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Kind switch
        {
            DatabaseKind.Sqlite => SqliteStore.Open(location.Target, time),
            DatabaseKind.PostgreSql => PostgreSqlStore.Open(location.Target, time),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Kind, "no adapter for this kind of database"),
        };
    }
}
