using System.Text;
using ExchangeGateway.TestData;
using Microsoft.Playwright;

namespace ExchangeGateway.Rendering.Tests;

public sealed class ChromiumRenderingTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-render-").FullName;

    public static TheoryData<string, string> ExampleAndAudience => RenderedExamples.EachExampleAndAudience();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [MemberData(nameof(ExampleAndAudience))]
    public async Task Each_page_of_each_example_opens_in_chromium_with_visible_text_and_prints_to_a_pdf_with_pages(string example, string audience)
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 1200 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(await PageFile(example, audience));

        var text = await page.InnerTextAsync("body");
        Assert.True(text.Length > 300, $"only {text.Length} characters are visible");
        var heading = await page.Locator("h1").BoundingBoxAsync();
        Assert.True(heading is { Width: > 0, Height: > 0 }, "the heading has no size");
        if (audience == "clinician")
        {
            var flags = await page.Locator("#flags").BoundingBoxAsync();
            Assert.True(flags is { Width: > 100, Height: > 20 }, "the flags box has no size");
        }

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PrintBackground = true });
        Assert.True(pdf.Length > 4096, $"the PDF is {pdf.Length} bytes");
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        Assert.Contains("/Type /Page", Encoding.Latin1.GetString(pdf), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExampleAndAudience))]
    public async Task Each_page_of_each_example_screenshots_as_more_than_one_colour(string example, string audience)
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 1200 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(await PageFile(example, audience));
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });

        Assert.True(await ColoursIn(context, png) > 16, "the screenshot is blank");
    }

    [Theory]
    [InlineData(RenderedNotices.EscalationAlert)]
    [InlineData(RenderedNotices.Response)]
    public async Task A_gateway_notice_page_opens_in_chromium_and_prints_to_a_pdf_and_a_screenshot(string notice)
    {
        var file = Path.Combine(folder, $"{notice}.html");
        await File.WriteAllTextAsync(file, RenderedNotices.Page(notice));
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 900, Height = 1200 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.True(await page.Locator("h1").BoundingBoxAsync() is { Width: > 0, Height: > 0 }, "the heading has no size");
        if (notice == RenderedNotices.Response)
        {
            Assert.Contains(RenderedNotices.ClinicianName, await page.InnerTextAsync("body"), StringComparison.Ordinal);
        }
        else
        {
            var flags = page.Locator("#flags");
            Assert.True(await flags.BoundingBoxAsync() is { Width: > 100, Height: > 20 }, "the flags box has no size");
            Assert.Contains(RenderedNotices.EscalationText(ExchangeGateway.Domain.EscalationKinds.ReleaseAcceptanceDue), await flags.InnerTextAsync(), StringComparison.Ordinal);
        }

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PrintBackground = true });
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        Assert.Contains("/Type /Page", Encoding.Latin1.GetString(pdf), StringComparison.Ordinal);
        Assert.True(await ColoursIn(context, await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true })) > 16, "the screenshot is blank");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_person_pack_shows_the_interpreter_box_when_an_interpreter_is_needed()
    {
        var submission = RenderedExamples.Read(Encoding.UTF8.GetBytes(TestData.Examples.Everything().ToJsonString()));
        var file = Path.Combine(folder, "interpreter.html");
        await File.WriteAllTextAsync(file, RenderedExamples.Page(submission, "person"));
        var page = await chromium.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        var box = page.Locator("#interpreter");
        Assert.Equal("You asked for an interpreter: Polish", (await box.InnerTextAsync()).Trim());
        Assert.True(await box.BoundingBoxAsync() is { Height: > 20 }, "the interpreter box has no size");
        await page.CloseAsync();
    }

    private async Task<string> PageFile(string example, string audience)
    {
        var file = Path.Combine(folder, $"{audience}-{example}.html");
        await File.WriteAllTextAsync(file, RenderedExamples.Page(example, audience));
        return new Uri(file).AbsoluteUri;
    }

    // The PNG is decoded by Chromium itself, on a blank page of its own (the rendered pages' policy allows no script).
    private static async Task<int> ColoursIn(IBrowserContext context, byte[] png)
    {
        var canvasPage = await context.NewPageAsync();
        return await canvasPage.EvaluateAsync<int>(
            """
            async (data) => {
              const image = new Image();
              image.src = 'data:image/png;base64,' + data;
              await image.decode();
              const canvas = document.createElement('canvas');
              canvas.width = image.width; canvas.height = image.height;
              const context = canvas.getContext('2d');
              context.drawImage(image, 0, 0);
              const pixels = context.getImageData(0, 0, image.width, image.height).data;
              const colours = new Set();
              for (let i = 0; i < pixels.length && colours.size < 1000; i += 4) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
              return colours.size;
            }
            """,
            Convert.ToBase64String(png));
    }
}
