using System.Net;
using System.Net.Sockets;
using ExchangeGateway.Inbox;
using ExchangeGateway.TestData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>An agency inbox in this process on 127.0.0.1, talking to the gateway under test, and a browser page on it that records the console.</summary>
internal sealed class InboxForTest : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string store;

    private InboxForTest(WebApplication app, string store, Uri address)
    {
        this.app = app;
        this.store = store;
        Address = address;
    }

    /// <summary>The inbox's base address.</summary>
    public Uri Address { get; }

    /// <summary>What the browser said on its console (a CSP violation is reported there).</summary>
    public List<string> Console { get; } = [];

    /// <summary>A loopback port free now, for an inbox whose address the gateway's directory must name before it starts.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the inbox of <paramref name="agency"/> on <paramref name="port"/> (0: any).</summary>
    public static async Task<InboxForTest> StartAsync(GatewayUnderTest gateway, string agency, int port = 0)
    {
        var store = Directory.CreateTempSubdirectory("exg-inbox-browser-").FullName;
        var settings = new InboxSettings(gateway.Address, agency, InboxSettings.TypeFromCertificate(GatewayUnderTest.Certs, agency)!, GatewayUnderTest.Certs, new Uri($"http://127.0.0.1:{port}"), store, TimeSpan.FromMinutes(10));
        var app = InboxHost.Build(settings);
        await app.StartAsync();
        return new InboxForTest(app, store, new Uri(app.Urls.First() + "/"));
    }

    /// <summary>A page 1000 px wide whose console messages are recorded.</summary>
    public async Task<IPage> PageAsync(ChromiumBrowser chromium)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
        var page = await context.NewPageAsync();
        page.Console += (_, message) => Console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => Console.Add($"page error: {error}");
        return page;
    }

    /// <summary>Opens the list, pressing "Check now" until <paramref name="messageId"/> is listed.</summary>
    public async Task ListShowsAsync(IPage page, string messageId)
    {
        await page.GotoAsync(Address.ToString());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await page.Locator($"a[href='/messages/{messageId}']").CountAsync() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"message {messageId} never showed in the inbox");
            // The check posts and is redirected to the list: wait for that page's load, or a click that follows could be
            // cut short by this navigation still under way.
            var loaded = new TaskCompletionSource();
            void OnLoad(object? sender, IPage loadedPage) => loaded.TrySetResult();
            page.Load += OnLoad;
            try
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Check now" }).ClickAsync();
                await loaded.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            finally
            {
                page.Load -= OnLoad;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Saves a full-page screenshot as <paramref name="name"/> in the EXG_SCREENSHOTS folder, when one is named.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("EXG_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }

    /// <summary>Stops the inbox and deletes its store.</summary>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(store, recursive: true);
    }
}
