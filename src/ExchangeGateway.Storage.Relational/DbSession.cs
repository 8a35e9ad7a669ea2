using System.Data.Common;
using System.Globalization;

namespace ExchangeGateway.Storage.Relational;

/// <summary>One connection and its open transaction, with parameterised commands (names written <c>@name</c>).</summary>
public sealed class DbSession
{
    private readonly CommandCache? cache;

    /// <summary>A session over an open transaction; with a <paramref name="cache"/>, commands are prepared once per connection and reused.</summary>
    public DbSession(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CommandCache? cache = null)
    {
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        this.cache = cache;
    }

    /// <summary>The open connection.</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction every command enlists in.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>The SQL the database speaks where the adapters differ.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Runs a statement; returns the rows it changed.</summary>
    public int Run(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            Release(command);
        }
    }

    /// <summary>The first column of the first row, or null.</summary>
    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        try
        {
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
        finally
        {
            Release(command);
        }
    }

    /// <summary>The first column of the first row as a 64-bit integer, or null.</summary>
    public long? Long(string sql, params (string Name, object? Value)[] parameters) =>
        Scalar(sql, parameters) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Every row, read by <paramref name="read"/>; the reader is closed before this returns (PostgreSQL allows one open reader per connection).</summary>
    public List<T> Rows<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        var command = Command(sql, parameters);
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            Release(command);
        }
    }

    /// <summary>The first row read by <paramref name="read"/>, or default when there is none.</summary>
    public T? Row<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        var rows = Rows(sql, read, parameters);
        return rows.Count > 0 ? rows[0] : default;
    }

    private DbCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = cache?.Get(Connection, sql) ?? Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = Transaction;
        if (command.Parameters.Count != parameters.Length)
        {
            command.Parameters.Clear();
            foreach (var (name, _) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = Dialect.ToDb(value);
        }

        return command;
    }

    private void Release(DbCommand command)
    {
        if (cache is null)
        {
            command.Dispose();
        }
    }
}

/// <summary>Prepared commands kept per connection and SQL text, for a store with one long-lived connection (SQLite): preparing costs more than running.</summary>
public sealed class CommandCache
{
    private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);
    private DbConnection? owner;

    /// <summary>The cached command for this SQL on this connection (a new one the first time).</summary>
    public DbCommand Get(DbConnection connection, string sql)
    {
        if (!ReferenceEquals(owner, connection))
        {
            Clear();
            owner = connection;
        }

        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        return command;
    }

    /// <summary>Disposes every cached command.</summary>
    public void Clear()
    {
        foreach (var command in commands.Values)
        {
            command.Dispose();
        }

        commands.Clear();
        owner = null;
    }
}

/// <summary>Reading columns the same way on both adapters (SQLite and PostgreSQL return different CLR types for integers).</summary>
public static class Columns
{
    /// <summary>A text column, or null.</summary>
    public static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>An integer column as 64 bits.</summary>
    public static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>An integer column as 32 bits.</summary>
    public static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    /// <summary>A time stored as Unix milliseconds.</summary>
    public static DateTimeOffset Time(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, ordinal));
}
