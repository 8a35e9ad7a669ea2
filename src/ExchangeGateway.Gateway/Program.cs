using ExchangeGateway.Gateway;
using ExchangeGateway.Storage;

try
{
    var app = GatewayHost.Build(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (DataFolderException ex)
{
    await Console.Error.WriteLineAsync($"the gateway cannot start: {ex.Message}").ConfigureAwait(false);
    return 1;
}
catch (Exception ex) when (ex is StorageUnavailableException or StorageSchemaException)
{
    // The database failing after DataFolder opened it (a hosted service's first unit of work at start): the same one
    // line and exit code as a database that cannot be opened, not a stack trace.
    await Console.Error.WriteLineAsync($"the gateway cannot start: {ex.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
    return 1;
}
catch (GatewayConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
    return 2;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
{
    await Console.Error.WriteLineAsync($"the gateway cannot start: {ex.Message}").ConfigureAwait(false);
    return 2;
}
