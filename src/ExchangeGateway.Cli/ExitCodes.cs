namespace ExchangeGateway.Cli;

/// <summary>The exit codes of exg.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidInput = 1;
    public const int Usage = 2;
}

/// <summary>A problem with how exg was called (a missing file, a bad option): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
