using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

/// <summary>
/// The gateway's SQLite database (<c>DATA/gateway.db</c>), shared by the outbox and the audit trail so that an event
/// and its audit entry commit together.
/// </summary>
public static class AuditDatabase
{
    /// <summary>The database's file name in the data folder.</summary>
    public const string FileName = "gateway.db";

    /// <summary>The database's path in a data folder.</summary>
    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, FileName);

    /// <summary>
    /// Opens the database with WAL and synchronous=FULL (a committed entry survives a power cut). With
    /// <paramref name="create"/> false a missing file is a FileNotFoundException rather than a new empty database.
    /// </summary>
    public static SqliteConnection Open(string databasePath, bool create = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        if (!create && !File.Exists(databasePath))
        {
            throw new FileNotFoundException($"{databasePath}: no such file", databasePath);
        }

        if (create)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            ForeignKeys = true,
        }.ToString());
        try
        {
            connection.Open();
            Configure(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Sets WAL and synchronous=FULL on a connection the caller opened itself (synchronous is per connection).</summary>
    public static void Configure(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
        command.ExecuteNonQuery();
    }
}
