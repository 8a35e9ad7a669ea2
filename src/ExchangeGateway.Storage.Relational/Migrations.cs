using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ExchangeGateway.Storage.Relational;

/// <summary>One numbered schema change.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Numbered migrations: a schema_version table, pending ones applied in one transaction, a newer database refused, a check that changes nothing.</summary>
public static partial class Migrations
{
    /// <summary>The migrations embedded in <paramref name="assembly"/> as resources named <c>...NNNN_name.sql</c>, in order.</summary>
    public static IReadOnlyList<Migration> Embedded(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var found = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(name);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            found.Add(new Migration(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        var ordered = found.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version != i + 1)
            {
                throw new InvalidOperationException($"migrations must be numbered 1, 2, 3, ... without gaps; found {ordered[i].Version} at position {i + 1}");
            }
        }

        return ordered;
    }

    /// <summary>
    /// Brings <paramref name="store"/>'s schema to the newest of <paramref name="migrations"/> in one unit of work,
    /// recording each migration's time from the store's clock.
    /// </summary>
    public static int Migrate(RelationalStore store, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransaction(t => Apply(((RelationalTransaction)t).Session, migrations, store.Description, store.Time));
    }

    /// <summary>
    /// Refuses (<see cref="StorageSchemaException"/>) a database whose schema is not exactly the newest of
    /// <paramref name="migrations"/>, reading only: for the admin commands, which must never change a schema.
    /// </summary>
    public static void RequireLatest(RelationalStore store, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(migrations);
        var current = store.Snapshot(t => Current(((RelationalTransaction)t).Session));
        var latest = Latest(migrations);
        if (current > latest)
        {
            throw Newer(store.Description, current, latest);
        }

        if (current < latest)
        {
            throw new StorageSchemaException(
                $"{store.Description}: the database's schema is version {current}; this build expects {latest}: start this build's gateway once to bring it up to date. Nothing was changed.");
        }
    }

    /// <summary>The schema version a database holds, without creating anything: 0 when it has no schema_version table.</summary>
    public static long Current(DbSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Dialect.TableExists(session, "schema_version") ? session.Long("SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0 : 0;
    }

    /// <summary>
    /// Brings the schema to the newest migration in the session's transaction, under the migrations lock so that
    /// instances starting together apply each migration once. A database newer than the code is refused unchanged; a
    /// migration the database refuses for another reason than a store fault (no CREATE privilege, a clashing object) is
    /// a <see cref="StorageSchemaException"/> naming it, and nothing of it is kept.
    /// </summary>
    public static int Apply(DbSession session, IReadOnlyList<Migration> migrations, string where, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(migrations);
        var clock = time ?? TimeProvider.System;
        session.Dialect.Lock(session, StoreLock.Migrations);
        Step(session, where, "creating the schema_version table", () =>
            session.Run("CREATE TABLE IF NOT EXISTS schema_version(version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
        var current = session.Long("SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0;
        var latest = Latest(migrations);
        if (current > latest)
        {
            throw Newer(where, current, latest);
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            Step(session, where, $"migration {migration.Version:D4}_{migration.Name}", () =>
            {
                session.Run(migration.Sql);
                session.Run("INSERT INTO schema_version(version, name, applied_at) VALUES(@v, @n, @t)",
                    ("@v", (long)migration.Version), ("@n", migration.Name), ("@t", clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
            });
        }

        return latest;
    }

    private static int Latest(IReadOnlyList<Migration> migrations) => migrations.Count == 0 ? 0 : migrations[^1].Version;

    private static StorageSchemaException Newer(string where, long current, int latest) => new(
        $"{where}: the database's schema is version {current}, newer than this build knows ({latest}); run a gateway build at least as new as the one that last wrote it. Nothing was changed.");

    // A store fault (unreachable, full) stays one, to be backed off; a deadlock is run again; anything else the
    // database says about a migration is a schema this build cannot reach, told in one line.
    private static void Step(DbSession session, string where, string what, Action step)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is not StorageSchemaException && !session.Dialect.IsFault(ex) && !session.Dialect.IsRetryable(ex))
        {
            throw new StorageSchemaException($"{where}: {what} failed: {session.Dialect.Reason(ex)}. Nothing was changed.", ex);
        }
    }

    [GeneratedRegex(@"(\d{4})_([A-Za-z0-9_-]+)\.sql$")]
    private static partial Regex ResourceName();
}
