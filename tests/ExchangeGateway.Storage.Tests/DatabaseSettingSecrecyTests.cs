using System.Net.Sockets;
using ExchangeGateway.Storage.PostgreSql;
using Npgsql;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// The database setting in messages: only server, port, database and user are ever shown, whatever the password's key
/// is spelt and however the values are quoted; and which PostgreSQL driver errors count as store faults.
/// </summary>
public sealed class DatabaseSettingSecrecyTests
{
    private const string Secret = "s3cr3t-Pa55";

    [Theory]
    [InlineData("Host=db.example;Port=5433;Database=exg;Username=exg;Password=" + Secret, "PostgreSQL Host=db.example;Port=5433;Database=exg;Username=exg")]
    [InlineData("Server=db.example;Database=exg;User Id=exg;Pwd=" + Secret, "PostgreSQL Host=db.example;Database=exg;Username=exg")]
    [InlineData("host=db.example;PSW=" + Secret + ";database=exg", "PostgreSQL Host=db.example;Database=exg")]
    [InlineData("Host=db.example;Password=\"a;" + Secret + "\";Database=exg", "PostgreSQL Host=db.example;Database=exg")]
    [InlineData("Host=db.example;Password='" + Secret + "=x';Database=exg;SSL Mode=Require", "PostgreSQL Host=db.example;Database=exg")]
    [InlineData("Host=db.example;Database=exg;Passfile=/run/" + Secret + ";Options=-c password=" + Secret, "PostgreSQL Host=db.example;Database=exg")]
    [InlineData("postgres://exg:" + Secret + "@db.example:5433/exg?password=" + Secret, "PostgreSQL postgres://exg@db.example:5433/exg")]
    [InlineData("postgres://exg:" + Secret + "@db.example:notaport/exg", "PostgreSQL postgres://(unreadable URL)")]
    [InlineData("postgresql://exg:" + Secret + "@db.example:99999999/exg", "PostgreSQL postgres://(unreadable URL)")]
    public void A_setting_is_shown_with_only_its_server_port_database_and_user(string setting, string shown)
    {
        var location = DatabaseLocation.Parse(setting, null);

        Assert.Equal(shown, location.ToString());
        Assert.Equal(setting.Trim(), location.Target);
    }

    [Theory]
    [InlineData("Host=db.example;Password=\"unterminated" + Secret)]
    [InlineData("postgres:/exg:" + Secret + "@db.example/exg")]
    [InlineData("exg:" + Secret)]
    [InlineData("Database=exg;Pwd=" + Secret)]
    public void A_setting_that_cannot_be_read_is_refused_without_repeating_it(string setting)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseLocation.Parse(setting, null));

        Assert.StartsWith("database: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://exg:" + Secret + "@127.0.0.1:notaport/exg")]
    [InlineData("Host=127.0.0.1;Database=exg;Pwd=" + Secret + ";NoSuchKey=1")]
    [InlineData("Host=127.0.0.1;Database=exg;Port=notaport;Password=" + Secret)]
    [InlineData("Host=127.0.0.1;Database=exg;Password=ab;" + Secret + "=1")]
    public void A_setting_the_driver_refuses_is_a_format_error_without_the_password(string setting)
    {
        var error = Assert.Throws<FormatException>(() => PostgreSqlStore.Open(setting, TimeProvider.System));

        Assert.StartsWith("database: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_that_cannot_be_reached_is_unavailable_naming_it_without_the_password()
    {
        var error = Assert.Throws<StorageUnavailableException>(() => PostgreSqlStore.Open($"Host=127.0.0.1;Port=1;Database=exg;Username=exg;Pwd={Secret};Timeout=2", TimeProvider.System));

        Assert.StartsWith("PostgreSQL 127.0.0.1:1/exg cannot be used: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_driver_s_connection_errors_are_store_faults_and_its_programming_errors_are_not()
    {
        var dialect = new PostgreSqlDialect();

        Assert.True(dialect.IsFault(new NpgsqlException("Exception while reading from stream", new IOException("broken pipe"))));
        Assert.True(dialect.IsFault(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(dialect.IsFault(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())));
        Assert.True(dialect.IsFault(new InvalidOperationException("wrapped", new NpgsqlException("Exception while writing to stream", new EndOfStreamException()))));
        Assert.False(dialect.IsFault(new NpgsqlOperationInProgressException(new NpgsqlCommand("SELECT 1"))));
        Assert.False(dialect.IsFault(new NpgsqlException("No password has been provided but the backend requires one")));
        Assert.False(dialect.IsFault(new InvalidOperationException("Connection is not open")));
    }
}
