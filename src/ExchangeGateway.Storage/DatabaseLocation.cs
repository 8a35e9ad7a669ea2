using System.Data.Common;

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

    // The connection string keys shown in messages, under the name shown. An allow-list, not a deny-list: a password has
    // several spellings (Password, Pwd, Psw) and a driver may add more, and none of them may ever reach a log.
    private static readonly Dictionary<string, string> Shown = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["server"] = "Host",
        ["port"] = "Port",
        ["database"] = "Database",
        ["db"] = "Database",
        ["username"] = "Username",
        ["user name"] = "Username",
        ["user id"] = "Username",
        ["userid"] = "Username",
        ["uid"] = "Username",
        ["user"] = "Username",
    };

    /// <summary>Reads the setting; <paramref name="dataFolder"/> gives the SQLite default. FormatException names what is wrong, never the setting's values.</summary>
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
            var pairs = Pairs(text) ?? throw new FormatException("database: the connection string cannot be read (a value with ';' or quotes must be quoted: Password=\"a;b\")");
            if (pairs.Any(p => Shown.TryGetValue(p.Key, out var name) && name == "Host"))
            {
                return new DatabaseLocation(DatabaseKind.PostgreSql, text);
            }

            throw new FormatException("database: a connection string must name the PostgreSQL server (Host=...;Database=...;Username=...)");
        }

        if (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            return new DatabaseLocation(DatabaseKind.Sqlite, Path.GetFullPath(text));
        }

        // The setting itself is not repeated: a mistyped URL or connection string may hold a password.
        throw new FormatException("database: the setting is neither a PostgreSQL connection string (Host=...;Database=...), a postgres:// URL, nor a SQLite file (*.db)");
    }

    /// <summary>Where, for logs and messages: the adapter, then the file, or only the server, port, database and user of a PostgreSQL setting.</summary>
    public override string ToString() => Kind == DatabaseKind.Sqlite ? $"SQLite {Target}" : $"PostgreSQL {Display(Target)}";

    /// <summary>A PostgreSQL setting (connection string or URL) without anything but its server, port, database and user.</summary>
    public static string Display(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var text = setting.Trim();
        if (text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            {
                return "postgres://(unreadable URL)";
            }

            var user = uri.UserInfo.Split(':', 2)[0];
            var port = uri.IsDefaultPort || uri.Port <= 0 ? "" : ":" + uri.Port;
            return $"{uri.Scheme}://{(user.Length > 0 ? user + "@" : "")}{uri.Host}{port}{uri.AbsolutePath}";
        }

        var pairs = Pairs(text);
        if (pairs is null)
        {
            return "(unreadable connection string)";
        }

        var shown = new System.Text.StringBuilder();
        foreach (var name in (string[])["Host", "Port", "Database", "Username"])
        {
            var value = pairs.LastOrDefault(p => Shown.TryGetValue(p.Key, out var n) && n == name).Value;
            if (!string.IsNullOrEmpty(value))
            {
                DbConnectionStringBuilder.AppendKeyValuePair(shown, name, value);
            }
        }

        return shown.ToString();
    }

    // The driver's own parser (quoting, escaped quotes); null when it cannot read the text.
    private static List<KeyValuePair<string, string>>? Pairs(string text)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = text };
            return [.. builder.Keys.Cast<string>().Select(k => KeyValuePair.Create(k, Convert.ToString(builder[k], System.Globalization.CultureInfo.InvariantCulture) ?? ""))];
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
