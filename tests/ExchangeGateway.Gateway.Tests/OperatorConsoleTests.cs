using System.Net;
using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.Http;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The operator console at /console/, in Debian's headless Chromium presenting the operator's client certificate.</summary>
public sealed class OperatorConsoleTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private WireMockServer agencies = null!;
    private GatewayUnderTest gateway = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        agencies = WireMockServer.Start();

        // The CJIT refuses every push (dead letters) until a test mends it.
        agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(400));
        gateway = await GatewayUnderTest.StartAsync(agencies.Url!);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await gateway.DisposeAsync();
        agencies.Stop();
        agencies.Dispose();
    }

    [Fact]
    public async Task The_console_counts_equal_the_outbox_totals_and_retrying_a_dead_letter_from_the_page_delivers_it()
    {
        var dead = await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == dead), Patience, "the dead letter");
        MendTheAgencies();
        await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => gateway.Outbox.Totals().Delivered >= 1, Patience, "a delivery");

        await using var context = await chromium.ContextAsAsync("OPS", gateway.Address);
        var page = await context.NewPageAsync();
        var violations = WatchForCspViolations(page);
        var answer = await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        Assert.Equal(200, answer!.Status);
        Assert.Equal(OutboxListTotals(), await page.Locator("#outbox-totals").InnerTextAsync() is var line ? line[..line.IndexOf(" balances", StringComparison.Ordinal)] : "");
        var totals = gateway.Outbox.Totals();
        Assert.Equal(
            [totals.Pending, totals.Delivered, totals.Acknowledged, totals.DeadLettered, totals.Expired, totals.Cancelled],
            [await Total(page, "queued"), await Total(page, "delivered"), await Total(page, "acknowledged"), await Total(page, "dead-lettered"), await Total(page, "expired"), await Total(page, "cancelled")]);
        Assert.Equal(totals.Accepted, await Total(page, "received"));
        Assert.Equal("2", await page.Locator("#agency-HLI td.submitted").InnerTextAsync());
        await Shoot(page, "console.png");

        await page.Locator($"#dead-{dead} button", new() { HasText = "Retry" }).ClickAsync();

        Assert.Contains($"Message {dead} is queued again", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("delivered", 10).Any(m => m.MessageId == dead), Patience, "the retried message delivered");
        var entry = gateway.Outbox.Store.Snapshot(tx => tx.Audit.Entries(1).Select(r => r.Row!).Last(e => e.Type == AuditEventTypes.AdminAction));
        Assert.Equal("admin:OPS", entry.Actor);
        Assert.Contains(dead, entry.Details, StringComparison.Ordinal);
        Assert.Empty(violations);
    }

    [Fact]
    public async Task Cancelling_a_dead_letter_from_the_page_is_audited_and_moves_it_to_cancelled()
    {
        var dead = await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == dead), Patience, "the dead letter");
        await using var context = await chromium.ContextAsAsync("OPS", gateway.Address);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        await page.Locator($"#dead-{dead} button", new() { HasText = "Cancel" }).ClickAsync();

        Assert.Contains($"Message {dead} is cancelled", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("1", await page.Locator("#totals td.cancelled").InnerTextAsync());
        Assert.Equal("0", await page.Locator("#totals td.dead-lettered").InnerTextAsync());
        var entry = gateway.Outbox.Store.Snapshot(tx => tx.Audit.Entries(1).Select(r => r.Row!).Last(e => e.Type == AuditEventTypes.AdminAction));
        Assert.Equal("admin:OPS", entry.Actor);
        Assert.Contains(AdminActions.OutboxCancel, entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_shows_pseudonymous_keys_and_ids_never_a_name_or_an_identifier()
    {
        var dead = await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == dead), Patience, "the dead letter");
        await using var context = await chromium.ContextAsAsync("OPS", gateway.Address);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        var html = await page.ContentAsync();

        Assert.Contains(dead, html, StringComparison.Ordinal);
        foreach (var personal in new[] { "Example", "Jordan", "9434765919", "943 476 5919", "A1234BC", "1988-07-21", "LS1 4AB", "Canal Street" })
        {
            Assert.DoesNotContain(personal, html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_non_operator_certificate_gets_403_on_the_console_in_the_browser()
    {
        await using var context = await chromium.ContextAsAsync("HLI", gateway.Address);
        var page = await context.NewPageAsync();

        var answer = await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        Assert.Equal(403, answer!.Status);
        Assert.Contains("no operator", await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_needs_a_certificate_and_every_page_carries_a_strict_content_security_policy()
    {
        using var anonymous = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => TlsIdentity.Load(GatewayUnderTest.Certs, "OPS", TimeProvider.System).AcceptServer(c, e) } })
        {
            BaseAddress = gateway.Address,
        };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/console/", UriKind.Relative))).StatusCode);

        using var operatorClient = OperatorHttp();
        using var page = await operatorClient.GetAsync(new Uri("/console/", UriKind.Relative));
        using var css = await operatorClient.GetAsync(new Uri("/console/console.css", UriKind.Relative));

        foreach (var answer in new[] { page, css })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var policy = string.Join(";", answer.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            Assert.True(answer.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        }
    }

    [Fact]
    public async Task A_retry_posted_without_the_forms_antiforgery_token_changes_nothing()
    {
        var dead = await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == dead), Patience, "the dead letter");
        using var operatorClient = OperatorHttp();

        using var answer = await operatorClient.PostAsync(new Uri($"/console/messages/{dead}/retry", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("antiforgery", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(gateway.Outbox.List("dead-letter", 10), m => m.MessageId == dead);
        Assert.DoesNotContain(gateway.Outbox.Store.Snapshot(tx => tx.Audit.Entries(1).Select(r => r.Row!.Type).ToList()), t => t == AuditEventTypes.AdminAction);
    }

    [Fact]
    public async Task Verify_now_shows_the_audit_trails_result_on_the_page()
    {
        await SubmitReleaseAsync();
        await using var context = await chromium.ContextAsAsync("OPS", gateway.Address);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        // The click posts and follows the redirect: wait for that page, so the next navigation does not cut across it.
        await page.Locator("#audit button", new() { HasText = "Verify now" }).ClickAsync();
        await page.WaitForURLAsync("**/console/?verifying=1");
        await GatewayUnderTest.Eventually(() => gateway.Service<AuditVerifying>().Last is not null, Patience, "the verification");
        await page.GotoAsync(new Uri(gateway.Address, "/console/").ToString());

        Assert.StartsWith("valid, ", await page.Locator("#last-verify").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificates_ending_within_30_days_are_listed_with_the_gateways_own()
    {
        await using var later = await GatewayUnderTest.StartAsync(agencies.Url!, services: s => s.AddSingleton<TimeProvider>(new ManualClock(new DateTimeOffset(2036, 11, 1, 9, 0, 0, TimeSpan.Zero))));
        using var operatorClient = new HttpClient(TlsIdentity.Load(GatewayUnderTest.Certs, "OPS", TimeProvider.System).Handler(TimeSpan.FromSeconds(10))) { BaseAddress = later.Address };

        var page = await operatorClient.GetStringAsync(new Uri("/console/", UriKind.Relative));

        var expiring = page[page.IndexOf("<table id=\"expiring\">", StringComparison.Ordinal)..];
        Assert.Contains("<td>HLI</td><td>agency</td>", expiring, StringComparison.Ordinal);
        Assert.Contains("<td>gateway</td><td>this gateway (TLS and signing)</td>", expiring, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>ExchangeGateway Development CA", expiring, StringComparison.Ordinal);
    }

    private void MendTheAgencies()
    {
        agencies.ResetMappings();
        agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
    }

    private HttpClient OperatorHttp() => new(TlsIdentity.Load(GatewayUnderTest.Certs, "OPS", TimeProvider.System).Handler(TimeSpan.FromSeconds(10))) { BaseAddress = gateway.Address };

    private async Task<string> SubmitReleaseAsync()
    {
        using var client = gateway.Client("HLI");
        var answer = await client.SubmitAsync(Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = Guid.NewGuid().ToString()));
        Assert.True(answer.IsSuccess, answer.Text);
        var messages = GatewayUnderTest.Json(answer.Text)["messages"]!.AsArray();
        return messages.Single(m => m!["recipient"]!.GetValue<string>() == "CJIT-LEEDS")!["messageId"]!.GetValue<string>();
    }

    private string OutboxListTotals()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, ExgCommandLine.Run(["outbox", "list", "--data", gateway.Data, "--limit", "0"], output, error));
        return output.ToString().Split('\n')[0].Trim();
    }

    private static async Task<long> Total(IPage page, string column) => long.Parse(await page.Locator($"#totals td.{column}").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> WatchForCspViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };
        return violations;
    }

    // EXG_SCREENSHOTS=DIR keeps the page as DIR/NAME (the README's screenshots are made so).
    private static async Task Shoot(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("EXG_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.SetViewportSizeAsync(1200, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }
}
