using Microsoft.Playwright;
using Xunit;

namespace ExchangeGateway.TestData;

/// <summary>
/// The machine's own headless Chromium (Debian's chromium package; .ci/run installs it), driven by Playwright.
/// Playwright's downloaded browsers are not used: there is no download here, and the test must fail, not skip,
/// when Chromium is missing.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The repository's development certs folder.</summary>
    public static string DevelopmentCerts { get; } = Path.Combine(RepositoryRoot(), "certs-dev");

    /// <summary>/usr/bin/chromium, else the first chromium on PATH; a failed assertion names what is missing.</summary>
    public static string ExecutablePath()
    {
        var candidates = new[] { "/usr/bin/chromium" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(folder => new[] { Path.Combine(folder, "chromium"), Path.Combine(folder, "chromium-browser") }));
        var found = candidates.FirstOrDefault(File.Exists);
        Assert.True(found is not null, "Chromium is not installed: run .ci/run, or apt-get install chromium");
        return found!;
    }

    /// <summary>
    /// A browser context that presents <paramref name="agency"/>'s development certificate to <paramref name="origin"/>
    /// (mutual TLS). Playwright's certificate proxy runs in Node and checks the server's certificate there, against the
    /// development CA given to Node as NODE_EXTRA_CA_CERTS when the driver started; HTTPS errors are never ignored.
    /// </summary>
    public Task<IBrowserContext> ContextAsAsync(string agency, Uri origin) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        ClientCertificates =
        [
            new ClientCertificate
            {
                Origin = origin.GetLeftPart(UriPartial.Authority),
                CertPath = Path.Combine(DevelopmentCerts, agency + ".crt"),
                KeyPath = Path.Combine(DevelopmentCerts, agency + ".key"),
            },
        ],
    });

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        // Read by the Node driver Playwright starts now: the gateway's certificate chains to the development CA.
        Environment.SetEnvironmentVariable("NODE_EXTRA_CA_CERTS", Path.Combine(DevelopmentCerts, "ca.crt"));
        playwright = await Playwright.CreateAsync();

        // CI runs as root, where Chromium's sandbox cannot start.
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath(), Headless = true, Args = ["--no-sandbox"] });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ExchangeGateway.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new DirectoryNotFoundException("no ExchangeGateway.sln above the test folder");
    }
}
