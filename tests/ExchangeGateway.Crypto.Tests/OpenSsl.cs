using System.Diagnostics;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>Runs openssl (or a shell pipeline of it) as a separate process.</summary>
internal static class OpenSsl
{
    public static (int ExitCode, string Output, string Error) Shell(string command, string workingDirectory)
    {
        var start = new ProcessStartInfo("/bin/bash", ["-c", "set -o pipefail; " + command])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    public static void Run(string command, string workingDirectory)
    {
        var (code, output, error) = Shell(command, workingDirectory);
        Assert.True(code == 0, $"'{command}' failed ({code}): {error}{output}");
    }
}
