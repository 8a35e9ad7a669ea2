using Microsoft.Playwright;

namespace ExchangeGateway.Rendering.Tests;

/// <summary>
/// The machine's own headless Chromium (Debian's chromium package; .ci/run installs it), driven by Playwright.
/// Playwright's downloaded browsers are not used: there is no download here, and the test must fail, not skip,
/// when Chromium is missing.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

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

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();

        // CI runs as root, where Chromium's sandbox cannot start.
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath(), Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
