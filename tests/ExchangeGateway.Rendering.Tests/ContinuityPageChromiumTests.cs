using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.TestData;
using Microsoft.Playwright;

namespace ExchangeGateway.Rendering.Tests;

/// <summary>The continuity report page opened in headless Chromium: its table, its inline-SVG charts, and nothing fetched or run.</summary>
public sealed class ContinuityPageChromiumTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-continuity-").FullName;

    // One well-counted group and one too small to publish.
    private static ContinuityReport Report() => new(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30),
    [
        ContinuityRow.Of(new ContinuityCounts("HLI", "CJIT-BRADFORD", "2026-06", 1, [19], 0, 1, 0, 0, 0, 1, 1, 1, 0, 1)),
        ContinuityRow.Of(new ContinuityCounts("HLI", "CJIT-LEEDS", "2026-06", 7, [7, 8, 16, 41, 42, 45], 2, 5, 3, 6, 5, 7, 6, 0, 5, 0)),
    ]);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task The_report_page_opens_with_its_table_and_charts_drawn_to_scale_and_fetches_and_runs_nothing()
    {
        var file = Path.Combine(folder, "continuity.html");
        await File.WriteAllTextAsync(file, ContinuityPage.Render(Report()));
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        var requests = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => errors.Add(message.Text);
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.True(await page.Locator("h1").BoundingBoxAsync() is { Width: > 0, Height: > 0 }, "the heading has no size");
        Assert.Equal(2, await page.Locator("#figures tbody tr").CountAsync());
        var leeds = page.Locator("#figures tbody tr").Nth(1);
        Assert.Equal(
            ["HLI", "CJIT-LEEDS", "2026-06", "7", "28.5", "–", "71.4%", "–", "83.3%", "85.7%", "0%", "71.4%", "0"],
            (await leeds.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim()));
        Assert.Equal("<5", (await page.Locator("#figures tbody tr").Nth(0).Locator("td").Nth(3).InnerTextAsync()).Trim());

        // One share bar per published share (five in the Leeds row: 0% draws an empty bar), each filled to its share of 60 px.
        var fills = await leeds.Locator("svg.bar rect.fill").EvaluateAllAsync<double[]>("rects => rects.map(r => r.getBBox().width)");
        Assert.Equal([42.8, 50.0, 51.4, 0.0, 42.8], fills.Select(w => Math.Round(w, 1)));
        Assert.Equal(0, await page.Locator("#figures tbody tr").Nth(0).Locator("svg.bar").CountAsync());

        // The releases chart: Leeds's bar 7/7 of 300 px, Bradford's (suppressed) a grey stub of 4/7.
        var bars = await page.Locator("#releases-chart rect.release-bar").EvaluateAllAsync<double[]>("rects => rects.map(r => r.getBoundingClientRect().width)");
        Assert.Equal([171.4, 300.0], bars.Select(w => Math.Round(w, 1)));
        Assert.True(await page.Locator("#releases-chart").BoundingBoxAsync() is { Width: > 300, Height: > 20 }, "the chart has no size");

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", Landscape = true, PrintBackground = true });
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        Assert.Equal([new Uri(file).AbsoluteUri], requests);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_period_without_releases_says_so_in_chromium()
    {
        var file = Path.Combine(folder, "empty.html");
        await File.WriteAllTextAsync(file, ContinuityPage.Render(new ContinuityReport(null, null, [])));
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.Equal("No releases were recorded in this period.", (await page.InnerTextAsync("#empty")).Trim());
        await page.CloseAsync();
    }
}
