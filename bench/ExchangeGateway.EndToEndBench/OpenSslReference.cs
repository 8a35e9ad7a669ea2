using System.Diagnostics;

namespace ExchangeGateway.EndToEndBench;

/// <summary>The outside reference: the same document sealed by <c>openssl cms</c>, one process pair per package, as a script would.</summary>
internal static class OpenSslReference
{
    /// <summary>Packages per second over <paramref name="seconds"/>.</summary>
    public static double PackagesPerSecond(string certs, string example, double seconds)
    {
        var work = Directory.CreateTempSubdirectory("exg-bench-openssl-").FullName;
        var bundle = Path.Combine(work, "bundle.json");
        File.WriteAllText(bundle, example);
        var count = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var start = new ProcessStartInfo("bash")
            {
                ArgumentList =
                {
                    "-c",
                    "set -o pipefail; openssl cms -sign -binary -nodetach -outform DER -signer \"$1/gateway.crt\" -inkey \"$1/gateway.key\" -in \"$2\""
                    + " | openssl cms -encrypt -aes-256-gcm -binary -outform DER -recip \"$1/B86030.crt\" -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 -out \"$3\"",
                    "openssl-bench", certs, bundle, Path.Combine(work, "package.der"),
                },
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("openssl failed: " + process.StandardError.ReadToEnd());
            }

            count++;
        }

        var rate = count / clock.Elapsed.TotalSeconds;
        Directory.Delete(work, recursive: true);
        return rate;
    }
}
