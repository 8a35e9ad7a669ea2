using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Storage;

/// <summary>Parameterised commands on a connection, enlisted in a transaction when one is given.</summary>
internal static class SqliteCommands
{
    /// <summary>A command for <paramref name="sql"/> with the parameters bound (null as SQL NULL).</summary>
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
