using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage;

/// <summary>Opens the gateway's SQLite file with the durability the outbox relies on, and proves it took effect.</summary>
public static class GatewayDatabase
{
    /// <summary>The database file's name inside the data folder.</summary>
    public const string FileName = "gateway.db";

    /// <summary>The database path for a data folder.</summary>
    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, FileName);

    /// <summary>
    /// Opens (creating if needed) the database with WAL journaling and synchronous=FULL, then reads both back: a
    /// filesystem that cannot do WAL, or a build that ignores the pragma, must stop the gateway rather than
    /// silently weaken "accepted means stored".
    /// </summary>
    public static SqliteConnection Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        try
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, "PRAGMA synchronous=FULL;");
            Execute(connection, "PRAGMA foreign_keys=ON;");
            Execute(connection, "PRAGMA busy_timeout=30000;");
            var journal = Scalar(connection, "PRAGMA journal_mode;");
            var synchronous = Scalar(connection, "PRAGMA synchronous;");
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"database {path}: journal_mode is {journal}, not WAL");
            }

            // 2 is FULL.
            if (synchronous != "2")
            {
                throw new InvalidOperationException($"database {path}: synchronous is {synchronous}, not FULL");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one statement with no result.</summary>
    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = SqliteCommands.Create(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static string? Scalar(SqliteConnection connection, string sql)
    {
        using var command = SqliteCommands.Create(connection, null, sql);
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
