using System.CommandLine;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Selection;

namespace ExchangeGateway.Cli;

/// <summary>The options that name the gateway's database for the admin commands: <c>--data</c> (SQLite in the folder) or <c>--database</c>.</summary>
internal static class StoreOptions
{
    /// <summary>The gateway's data folder, for the SQLite file it holds.</summary>
    public static Option<string?> Data() => new("--data") { Description = $"The gateway's data folder (holding {DatabaseLocation.SqliteFileName}); or give --database." };

    /// <summary>The database when it is not the SQLite file in --data.</summary>
    public static Option<string?> Database() => new("--database")
    {
        Description = "The gateway's database when it is not the SQLite file in --data: a PostgreSQL connection string (Host=...;Database=...;Username=...) or a postgres:// URL.",
    };

    /// <summary>
    /// Opens the gateway's store (--database, else the SQLite file in --data) and runs <paramref name="work"/> on it. A
    /// SQLite file that is not there is a usage error and is not created: these commands only read, or add to, a trail.
    /// The schema is never changed here (that is the gateway's job at start, under its migrations lock): a database
    /// whose schema version is not exactly this build's is refused. A setting that names no database (or that the
    /// driver refuses), a database that cannot be reached or whose schema this build cannot use is one line on
    /// <paramref name="error"/> and exit 1.
    /// </summary>
    internal static int WithStore(string? database, string? dataFolder, TextWriter error, Func<IGatewayStore, int> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        IGatewayStore store;
        try
        {
            var location = DatabaseLocation.Parse(database, dataFolder);
            if (location.Kind == DatabaseKind.Sqlite && !File.Exists(location.Target))
            {
                throw new UsageException($"no gateway database at {location.Target}");
            }

            store = StorageSelection.Open(location, TimeProvider.System, migrate: false);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or StorageSchemaException)
        {
            return AuditCommands.Refused(error, ex.Message.ReplaceLineEndings(" "));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // ArgumentException: a path the system cannot use. (The PostgreSQL adapter turns what its driver refuses into a FormatException that shows no values.)
            var reason = ex.Message.Split(" (Parameter", 2)[0].ReplaceLineEndings(" ");
            return AuditCommands.Refused(error, reason.StartsWith("database:", StringComparison.Ordinal) ? reason : "database: " + reason);
        }

        using (store)
        {
            try
            {
                return work(store);
            }
            catch (Exception ex) when (ex is StorageUnavailableException or StorageSchemaException)
            {
                return AuditCommands.Refused(error, ex.Message.ReplaceLineEndings(" "));
            }
        }
    }
}
