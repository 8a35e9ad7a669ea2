using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ExchangeGateway.Storage.Relational;

/// <summary>One numbered schema change.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>Numbered migrations: a schema_version table, pending ones applied in one transaction, a newer database refused.</summary>
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
    /// Brings the schema to the newest migration in the session's transaction, under the migrations lock so that
    /// instances starting together apply each migration once. A database newer than the code is refused unchanged.
    /// </summary>
    public static int Apply(DbSession session, IReadOnlyList<Migration> migrations, string where)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(migrations);
        session.Dialect.Lock(session, StoreLock.Migrations);
        session.Run("CREATE TABLE IF NOT EXISTS schema_version(version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        var current = session.Long("SELECT COALESCE(MAX(version), 0) FROM schema_version") ?? 0;
        var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (current > latest)
        {
            throw new StorageSchemaException(
                $"{where}: the database's schema is version {current}, newer than this build knows ({latest}); run a gateway build at least as new as the one that last wrote it. Nothing was changed.");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            session.Run(migration.Sql);
            session.Run("INSERT INTO schema_version(version, name, applied_at) VALUES(@v, @n, @t)",
                ("@v", (long)migration.Version), ("@n", migration.Name), ("@t", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        }

        return latest;
    }

    [GeneratedRegex(@"(\d{4})_([A-Za-z0-9_-]+)\.sql$")]
    private static partial Regex ResourceName();
}
