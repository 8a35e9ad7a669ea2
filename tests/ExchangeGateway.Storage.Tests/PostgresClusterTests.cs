using ExchangeGateway.TestData;
using Npgsql;

namespace ExchangeGateway.Storage.Tests;

public sealed class PostgresClusterTests
{
    [Fact]
    public async Task Throwaway_cluster_accepts_the_role_password_and_refuses_a_wrong_one()
    {
        var cluster = await PostgresCluster.Shared;
        var builder = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        Assert.False(string.IsNullOrEmpty(builder.Username));
        Assert.False(string.IsNullOrEmpty(builder.Password));

        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT version()", connection);
            Assert.StartsWith("PostgreSQL ", (string?)await command.ExecuteScalarAsync(), StringComparison.Ordinal);
        }

        // A refused wrong password shows the login really checks it (no trust rule lets anyone in).
        builder.Password = "wrong";
        builder.Pooling = false;
        await using var refused = new NpgsqlConnection(builder.ConnectionString);
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task Each_created_database_is_empty_and_owned_by_the_role_so_a_table_in_one_is_not_in_another()
    {
        var cluster = await PostgresCluster.Shared;
        var first = await cluster.CreateDatabaseAsync();
        var second = await cluster.CreateDatabaseAsync();
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("CREATE TABLE probe (id int PRIMARY KEY); INSERT INTO probe VALUES (1)", connection);
            await command.ExecuteNonQueryAsync();
            Assert.True(await TableExists(connection));
        }

        await using (var connection = new NpgsqlConnection(second))
        {
            await connection.OpenAsync();
            Assert.False(await TableExists(connection));
            await using var owner = new NpgsqlCommand("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()", connection);
            Assert.Equal(new NpgsqlConnectionStringBuilder(second).Username, (string?)await owner.ExecuteScalarAsync());
        }
    }

    private static async Task<bool> TableExists(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass('public.probe') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
