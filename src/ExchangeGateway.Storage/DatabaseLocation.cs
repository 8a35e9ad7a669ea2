namespace ExchangeGateway.Storage;

/// <summary>Which adapter holds the gateway's data.</summary>
public enum DatabaseKind
{
    /// <summary>The embedded default: a SQLite file in the data folder.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, shared by several instances.</summary>
    PostgreSql,
}

/// <summary>
/// The <c>--database</c> / <c>Gateway__Database</c> setting read: absent means SQLite in the data folder; a PostgreSQL
/// connection string (<c>Host=...;Database=...</c>) or a <c>postgres://</c> URL means PostgreSQL.
/// </summary>
public sealed record DatabaseLocation(DatabaseKind Kind, string Target)
{
    /// <summary>The SQLite file's name inside a data folder.</summary>
    public const string SqliteFileName = "gateway.db";

    /// <summary>Reads the setting; <paramref name="dataFolder"/> gives the SQLite default. FormatException names what is wrong.</summary>
    public static DatabaseLocation Parse(string? setting, string? dataFolder)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            if (string.IsNullOrWhiteSpace(dataFolder))
            {
                throw new FormatException("database: give --database (a PostgreSQL connection string or postgres:// URL) or a data folder (--data) for the embedded SQLite file");
            }

            return new DatabaseLocation(DatabaseKind.Sqlite, Path.Combine(Path.GetFullPath(dataFolder), SqliteFileName));
        }

        var text = setting.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(DatabaseKind.PostgreSql, text);
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            var keys = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => part.Split('=', 2)[0].Trim().ToLowerInvariant()).ToHashSet();
            if (keys.Contains("host") || keys.Contains("server"))
            {
                return new DatabaseLocation(DatabaseKind.PostgreSql, text);
            }

            throw new FormatException("database: a connection string must name the PostgreSQL server (Host=...;Database=...;Username=...)");
        }

        if (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(DatabaseKind.Sqlite, Path.GetFullPath(text));
        }

        throw new FormatException($"database: '{Redacted(text)}' is neither a PostgreSQL connection string (Host=...;Database=...), a postgres:// URL, nor a SQLite file (*.db)");
    }

    /// <summary>Where, without a password, for logs and messages.</summary>
    public override string ToString() => $"{(Kind == DatabaseKind.Sqlite ? "SQLite" : "PostgreSQL")} {Redacted(Target)}";

    private static string Redacted(string text)
    {
        if (text.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return $"{uri.Scheme}://{uri.Host}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}{uri.AbsolutePath}";
        }

        return string.Join(';', text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(part => !part.Trim().StartsWith("password", StringComparison.OrdinalIgnoreCase)));
    }
}
