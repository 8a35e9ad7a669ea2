using System.Data.Common;
using System.Globalization;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage.PostgreSql;
using ExchangeGateway.Storage.Relational;
using ExchangeGateway.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// Schema versions on every adapter: the gateway's open migrates (recording the store's time, refusing a migration
/// the database will not take as a schema error), the admin commands' open changes nothing and takes only a database
/// at exactly this build's version.
/// </summary>
public abstract class SchemaVersionConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    /// <summary>Opens the test's database the way the admin commands do: no migration.</summary>
    protected abstract IGatewayStore OpenWithoutMigrating();

    /// <summary>An open raw connection to the test's database.</summary>
    protected abstract DbConnection Connect();

    /// <summary>The adapter's SQL.</summary>
    protected abstract SqlDialect Dialect { get; }

    /// <summary>The adapter's migrations in this build.</summary>
    protected abstract IReadOnlyList<Migration> Migrations { get; }

    private IReadOnlyList<string> Versions() => Target.Query("SELECT version || ' ' || name || ' ' || applied_at FROM schema_version ORDER BY version");

    [Fact]
    public void Opening_an_empty_database_without_migrating_is_refused_and_creates_nothing()
    {
        Target.Execute("SELECT 1");

        var error = Assert.Throws<StorageSchemaException>(OpenWithoutMigrating);

        Assert.Contains("schema is version 0;", error.Message, StringComparison.Ordinal);
        Assert.Contains($"this build expects {Target.LatestVersion}", error.Message, StringComparison.Ordinal);
        Assert.Contains("start this build's gateway once", error.Message, StringComparison.Ordinal);
        Assert.Empty(Target.Tables());
    }

    [Fact]
    public void A_database_one_version_behind_is_refused_without_migrating_and_brought_up_to_date_by_the_migrating_open()
    {
        var latest = Target.LatestVersion;
        ApplyAsAnEarlierBuild(latest - 1);
        var tables = Target.Tables();
        var versions = Versions();

        var error = Assert.Throws<StorageSchemaException>(OpenWithoutMigrating);

        Assert.Contains($"schema is version {latest - 1};", error.Message, StringComparison.Ordinal);
        Assert.Contains($"this build expects {latest}", error.Message, StringComparison.Ordinal);
        Assert.Equal(tables, Target.Tables());
        Assert.Equal(versions, Versions());

        _ = Store;

        Assert.Equal(Enumerable.Range(1, latest).Select(v => v.ToString(CultureInfo.InvariantCulture)), Target.Query("SELECT version FROM schema_version ORDER BY version"));
        using var admin = OpenWithoutMigrating();
        Assert.Equal(0, admin.Snapshot(t => t.Admin.Totals()).Accepted);
    }

    [Fact]
    public void A_database_newer_than_the_build_is_refused_without_migrating_naming_both_versions()
    {
        _ = Store;
        var latest = Target.LatestVersion;
        Target.Execute($"INSERT INTO schema_version(version, name, applied_at) VALUES({latest + 1}, 'from_a_newer_build', '2027-01-01T00:00:00Z')");
        var versions = Versions();

        var error = Assert.Throws<StorageSchemaException>(OpenWithoutMigrating);

        Assert.Contains($"version {latest + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"newer than this build knows ({latest})", error.Message, StringComparison.Ordinal);
        Assert.Equal(versions, Versions());
    }

    [Fact]
    public void Opening_a_current_database_without_migrating_reads_and_writes_and_changes_no_version()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var versions = Versions();

        using var admin = OpenWithoutMigrating();

        Assert.NotNull(admin.Snapshot(t => t.Submissions.Find("s1")));
        Assert.True(admin.InTransaction(t => t.Admin.Cancel("m1", "test")));
        Assert.Equal(versions, Versions());
    }

    [Fact]
    public void This_build_brings_the_schema_to_version_8_with_the_tables_that_close_the_loop_the_release_facts_the_message_states_the_audit_tree_and_mesh()
    {
        _ = Store;

        Assert.Equal(8, Target.LatestVersion);
        Assert.Equal(8, Migrations.Count);
        Assert.Equal(["4 closing_the_loop", "5 release_facts", "6 message_states", "7 audit_tree", "8 mesh"], Target.Query("SELECT version || ' ' || name FROM schema_version WHERE version >= 4 ORDER BY version"));
        Assert.Subset(Target.Tables().ToHashSet(), new HashSet<string> { "responses", "escalations", "escalation_persons", "release_facts", "audit_tree" });
    }

    [Fact]
    public void A_person_remembered_at_version_3_keeps_their_agencies_and_has_no_community_provider_after_the_migration()
    {
        ApplyAsAnEarlierBuild(3);
        Target.Execute("INSERT INTO persons(person_key, gp_practice, cjit_area, withdrawn_at, updated_ms) VALUES('nhs:abc', 'B86030', 'CJIT-LEEDS', NULL, 0)");

        var memory = Read(t => t.Submissions.Remembered(["nhs:abc"]));

        Assert.Equal(new KnownAgencies("B86030", "CJIT-LEEDS", null), memory!.Agencies);
    }

    [Fact]
    public void Every_migration_is_recorded_at_the_time_of_the_store_s_clock()
    {
        _ = Store;

        Assert.Equal([Start.ToString("O", CultureInfo.InvariantCulture)], Target.Query("SELECT DISTINCT applied_at FROM schema_version"));
    }

    [Fact]
    public void A_migration_the_database_refuses_is_a_schema_error_naming_it_and_nothing_of_it_is_kept()
    {
        // A table of the same name, not the gateway's: 0001's statements on it fail, as a statement, not as the store.
        Target.Execute("CREATE TABLE messages(x INTEGER)");

        var error = Assert.Throws<StorageSchemaException>(() => Target.Open(Clock));

        Assert.Contains("migration 0001_initial failed: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(["messages"], Target.Tables());
    }

    /// <summary>Brings the empty database to <paramref name="version"/> as the build that stopped there would have.</summary>
    protected void ApplyAsAnEarlierBuild(int version)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        Relational.Migrations.Apply(new DbSession(connection, transaction, Dialect), [.. Migrations.Take(version)], "an earlier build", Clock);
        transaction.Commit();
    }
}

public sealed class SqliteSchemaVersionTests : SchemaVersionConformance<SqliteTarget>
{
    // The target keeps its path to itself; SQLite names the file of the database a connection has open.
    private string DatabasePath => Target.Query("SELECT file FROM pragma_database_list WHERE name = 'main'").Single();

    /// <inheritdoc/>
    protected override SqlDialect Dialect { get; } = new SqliteDialect();

    /// <inheritdoc/>
    protected override IReadOnlyList<Migration> Migrations => Relational.Migrations.Embedded(typeof(SqliteStore).Assembly);

    /// <inheritdoc/>
    protected override IGatewayStore OpenWithoutMigrating() => SqliteStore.Open(DatabasePath, Clock, migrate: false);

    /// <inheritdoc/>
    protected override DbConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    [Fact]
    public void Opening_a_file_that_is_not_there_without_migrating_is_unavailable_and_creates_no_file()
    {
        var missing = Path.Combine(Path.GetDirectoryName(DatabasePath)!, "missing", DatabaseLocation.SqliteFileName);

        Assert.Throws<StorageUnavailableException>(() => SqliteStore.Open(missing, Clock, migrate: false));

        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public void Version_3_indexes_the_person_index_in_the_order_the_verifier_pages_it()
    {
        _ = Store;

        Assert.Equal(["CREATE INDEX audit_subjects_by_first ON audit_subjects(first_seq, subject_key)"], Target.Query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'audit_subjects_by_first'"));
    }
}

public sealed class PostgreSqlSchemaVersionTests : SchemaVersionConformance<PostgreSqlTarget>
{
    /// <inheritdoc/>
    protected override SqlDialect Dialect { get; } = new PostgreSqlDialect();

    /// <inheritdoc/>
    protected override IReadOnlyList<Migration> Migrations => Relational.Migrations.Embedded(typeof(PostgreSqlStore).Assembly);

    /// <inheritdoc/>
    protected override IGatewayStore OpenWithoutMigrating() => PostgreSqlStore.Open(Target.ConnectionString, Clock, migrate: false);

    /// <inheritdoc/>
    protected override DbConnection Connect()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Target.ConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    [Fact]
    public void A_role_without_CREATE_on_the_schema_gets_a_schema_error_naming_the_migration_and_the_SQLSTATE()
    {
        // The owner gives up its own CREATE privilege on public, as a role granted only USAGE would have.
        Target.Execute("REVOKE CREATE ON SCHEMA public FROM pg_database_owner, PUBLIC");

        var error = Assert.Throws<StorageSchemaException>(() => Target.Open(Clock));

        Assert.Contains("failed: 42501: permission denied for schema public", error.Message, StringComparison.Ordinal);
        Assert.Empty(Target.Tables());
    }

    [Fact]
    public void Every_connection_commits_synchronously_whatever_the_setting_s_own_options_say()
    {
        var weakened = new NpgsqlConnectionStringBuilder(Target.ConnectionString) { Options = "-c synchronous_commit=off -c application_name=exg-test", Pooling = false }.ConnectionString;

        using var store = PostgreSqlStore.Open(weakened, Clock);
        using var connection = new NpgsqlConnection(PostgreSqlStore.ToConnectionString(weakened));
        connection.Open();
        using var command = new NpgsqlCommand("SELECT current_setting('synchronous_commit') || ' ' || current_setting('application_name')", connection);

        Assert.Equal("on exg-test", command.ExecuteScalar());
    }
}
