using System.Net;
using System.Net.Sockets;
using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.Storage.Relational;
using ExchangeGateway.Storage.Sqlite;
using ExchangeGateway.TestData;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// One adapter under test: a fresh database for one test, opened as often as the test asks (several opens are several
/// gateway instances on it), and a raw connection beside the store for what the store will not do.
/// </summary>
public abstract class StoreTarget : IAsyncDisposable
{
    /// <summary>The exception the adapter's database provider throws for a refused statement.</summary>
    public abstract Type ProviderException { get; }

    /// <summary>The schema version this build's migrations bring a database to.</summary>
    public abstract int LatestVersion { get; }

    /// <summary>Creates the empty database.</summary>
    public abstract Task InitializeAsync();

    /// <summary>Opens a store on the test's database.</summary>
    public abstract IGatewayStore Open(TimeProvider time);

    /// <summary>Opens a store on a database that cannot be reached.</summary>
    public abstract IGatewayStore OpenUnreachable(TimeProvider time);

    /// <summary>Runs a statement on a connection of its own, outside any store.</summary>
    public abstract void Execute(string sql);

    /// <summary>The first column of every row, as text, read on a connection of its own.</summary>
    public abstract IReadOnlyList<string> Query(string sql);

    /// <summary>The names of the database's tables, sorted.</summary>
    public abstract IReadOnlyList<string> Tables();

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();
}

/// <summary>SQLite: a file in a temp folder of the test's own.</summary>
public sealed class SqliteTarget : StoreTarget
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-store-test-").FullName;

    private string DatabasePath => Path.Combine(folder, DatabaseLocation.SqliteFileName);

    /// <inheritdoc/>
    public override Type ProviderException => typeof(SqliteException);

    /// <inheritdoc/>
    public override int LatestVersion => SqliteStore.LatestVersion;

    /// <inheritdoc/>
    public override Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public override IGatewayStore Open(TimeProvider time) => SqliteStore.Open(DatabasePath, time);

    /// <inheritdoc/>
    public override IGatewayStore OpenUnreachable(TimeProvider time)
    {
        // A folder where the file should be: SQLite cannot open it (CANTOPEN), as with a missing or unmounted volume.
        var blocked = Directory.CreateDirectory(Path.Combine(folder, "blocked.db")).FullName;
        return SqliteStore.Open(blocked, time);
    }

    /// <inheritdoc/>
    public override void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Query(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Tables() => Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}

/// <summary>PostgreSQL: a fresh database on the shared throwaway cluster, dropped after the test.</summary>
public sealed class PostgreSqlTarget : StoreTarget
{
    private PostgresCluster? cluster;
    private string connectionString = "";

    /// <summary>The test database's connection string.</summary>
    public string ConnectionString => connectionString;

    /// <inheritdoc/>
    public override Type ProviderException => typeof(PostgresException);

    /// <inheritdoc/>
    public override int LatestVersion => Migrations.Embedded(typeof(PostgreSqlStore).Assembly).Count;

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        cluster = await PostgresCluster.Shared;
        connectionString = await cluster.CreateDatabaseAsync();
    }

    /// <inheritdoc/>
    public override IGatewayStore Open(TimeProvider time) => PostgreSqlStore.Open(connectionString, time);

    /// <inheritdoc/>
    public override IGatewayStore OpenUnreachable(TimeProvider time)
    {
        // A port that was free a moment ago: nothing listens, so the connection is refused at once.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        return PostgreSqlStore.Open(new NpgsqlConnectionStringBuilder(connectionString) { Port = port, Timeout = 5 }.ConnectionString, time);
    }

    /// <inheritdoc/>
    public override void Execute(string sql)
    {
        using var connection = Connect(connectionString);
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Query(string sql)
    {
        using var connection = Connect(connectionString);
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return rows;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> Tables() =>
        Query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name");

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (cluster is null || connectionString.Length == 0)
        {
            return;
        }

        // Dropped so that a run of many tests does not fill the temp folder; FORCE ends connections a pool still holds.
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = Connect(cluster.ConnectionString);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    // Unpooled: a raw connection must not linger and keep the database from being dropped.
    private static NpgsqlConnection Connect(string connection)
    {
        var open = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString);
        open.Open();
        return open;
    }
}
