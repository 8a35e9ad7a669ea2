using System.Globalization;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Inbox;
using ExchangeGateway.TestData;
using Microsoft.Playwright;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// The agency inbox in Chromium against a real gateway: a GP pulls and answers a release summary and replies to a
/// reception; a CJIT receives by push at its inbox and reports engagement. Every action shows in the sender's track.
/// </summary>
public sealed class InboxBrowserTests(ChromiumBrowser chromium) : GatewayWithAgencies, IClassFixture<ChromiumBrowser>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly int cjitInboxPort = InboxForTest.FreePort();

    private protected override Task<GatewayUnderTest> StartGatewayAsync() => GatewayUnderTest.StartAsync(
        Agencies.Url!, endpoints: new Dictionary<string, string> { ["CJIT-LEEDS"] = $"http://127.0.0.1:{cjitInboxPort}/agencies/CJIT-LEEDS" });

    private static byte[] Record(string eventType) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["type"] = eventType;
        if (eventType != EventTypes.Release)
        {
            j["event"]!.AsObject().Remove("plannedRelease");
        }
    });

    private async Task<(string SubmissionId, string MessageId)> Submit(string sender, byte[] body, string recipient)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.IsSuccess, response.Text);
        var answer = GatewayUnderTest.Json(response.Text);
        var line = answer["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!;
        return (answer["submissionId"]!.GetValue<string>(), line["messageId"]!.GetValue<string>());
    }

    private static async Task OpenMessage(IPage page, string messageId)
    {
        // Waits for the message page's own content rather than its load event, which a loaded machine was seen to miss.
        await page.Locator($"a[href='/messages/{messageId}']").ClickAsync();
        await page.WaitForURLAsync($"**/messages/{messageId}", new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator(".status .state").WaitForAsync();
    }

    private static async Task Answer(IPage page, string name, string? reason = null)
    {
        await page.Locator("#by-name").FillAsync(name);
        await page.Locator("#by-role").FillAsync("GP");
        await page.Locator("#by-id").FillAsync("GMC 7654321");
        if (reason is not null)
        {
            await page.Locator("#reason").FillAsync(reason);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = reason is null ? "Accept" : "Reject", Exact = true }).ClickAsync();
        await page.Locator(".answer h2").WaitForAsync();
    }

    private List<(string MessageId, byte[] Body)> Pushed(string agency) =>
        [.. Agencies.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency)
            .Select(e => (e.RequestMessage.Headers!["X-Message-Id"].ToString(), e.RequestMessage.BodyAsBytes!))];

    // A 4xx page the test asks for (404, 409) is reported as a failed load; anything else (a CSP violation above all) fails the test.
    private static void NoConsoleErrors(InboxForTest inbox)
    {
        var reported = inbox.Console.Where(m => !m.Contains("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal)).ToList();
        Assert.True(reported.Count == 0, "the browser reported: " + string.Join(" | ", reported));
    }

    [Fact]
    public async Task A_GP_accepts_a_release_summary_in_its_inbox_and_the_prison_sees_the_name_typed_in_track()
    {
        var (submissionId, messageId) = await Submit("HLI", Record(EventTypes.Release), "B86030");
        await using var inbox = await InboxForTest.StartAsync(Gateway, "B86030");
        var page = await inbox.PageAsync(chromium);

        await inbox.ListShowsAsync(page, messageId);
        var row = await page.Locator("tr", new() { Has = page.Locator($"a[href='/messages/{messageId}']") }).InnerTextAsync();
        Assert.Contains("new", row, StringComparison.Ordinal);
        Assert.Contains("Jordan Lee Example", row, StringComparison.Ordinal);
        Assert.Contains("9434765919", row, StringComparison.Ordinal);
        await InboxForTest.ScreenshotAsync(page, "inbox-list.png");
        await OpenMessage(page, messageId);
        Assert.Contains("Jordan Lee Example", await page.Locator("article.document").InnerTextAsync(), StringComparison.Ordinal);
        await Answer(page, "Dr Priya Shah");
        await InboxForTest.ScreenshotAsync(page, "inbox-document.png");

        Assert.Contains("accepted by Dr Priya Shah", await page.Locator(".answer").InnerTextAsync(), StringComparison.Ordinal);
        var tracked = (await Gateway.Track("HLI", submissionId))["B86030"];
        Assert.Equal(ResponseOutcomes.Accepted, tracked["status"]!.GetValue<string>());
        Assert.Equal("Dr Priya Shah", tracked["response"]!["by"]!["name"]!.GetValue<string>());
        await page.GotoAsync(inbox.Address.ToString());
        Assert.Contains("accepted", await page.Locator("tr", new() { Has = page.Locator($"a[href='/messages/{messageId}']") }).InnerTextAsync(), StringComparison.Ordinal);
        NoConsoleErrors(inbox);
    }

    [Fact]
    public async Task A_GP_rejects_a_release_summary_with_a_reason_the_prison_sees_in_track_and_a_different_answer_after_is_shown_as_a_conflict()
    {
        var (submissionId, messageId) = await Submit("HLI", Record(EventTypes.Release), "B86030");
        await using var inbox = await InboxForTest.StartAsync(Gateway, "B86030");
        var page = await inbox.PageAsync(chromium);
        await inbox.ListShowsAsync(page, messageId);
        await OpenMessage(page, messageId);

        await Answer(page, "Dr Priya Shah", reason: "Not registered at this practice");
        var tracked = (await Gateway.Track("HLI", submissionId))["B86030"];
        await Answer(page, "Dr Priya Shah");

        Assert.Equal(ResponseOutcomes.Rejected, tracked["status"]!.GetValue<string>());
        Assert.Equal("Not registered at this practice", tracked["response"]!["reason"]!.GetValue<string>());
        Assert.Contains("Already answered differently", await page.Locator(".answer h2").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(ResponseOutcomes.Rejected, (await Gateway.Track("HLI", submissionId))["B86030"]["status"]!.GetValue<string>());
        NoConsoleErrors(inbox);
    }

    [Fact]
    public async Task A_rejection_without_a_reason_shows_the_gateway_naming_the_reason_field()
    {
        var (submissionId, messageId) = await Submit("HLI", Record(EventTypes.Release), "B86030");
        await using var inbox = await InboxForTest.StartAsync(Gateway, "B86030");
        var page = await inbox.PageAsync(chromium);
        await inbox.ListShowsAsync(page, messageId);
        await OpenMessage(page, messageId);

        await page.Locator("#by-name").FillAsync("Dr Priya Shah");
        await page.Locator("#by-role").FillAsync("GP");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync();
        await page.Locator(".answer.problem").WaitForAsync();

        Assert.Contains("reason", await page.Locator(".answer.problem li").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotEqual(ResponseOutcomes.Rejected, (await Gateway.Track("HLI", submissionId))["B86030"]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_GP_replies_to_a_reception_from_its_inbox_and_the_reply_reaches_the_prison()
    {
        var (_, receptionMessage) = await Submit("HLI", Record(EventTypes.Reception), "B86030");
        await using var inbox = await InboxForTest.StartAsync(Gateway, "B86030");
        var page = await inbox.PageAsync(chromium);
        await inbox.ListShowsAsync(page, receptionMessage);
        await OpenMessage(page, receptionMessage);
        var today = DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        await page.Locator("#on-ost").CheckAsync();
        await page.Locator("#medication").SelectOptionAsync("methadone-oral-solution-1mg-ml");
        await page.Locator("#dose").FillAsync("45");
        await page.Locator("#start").FillAsync("2025-09-01");
        await page.Locator("#prescriber-name").FillAsync("Dr H Okafor");
        await page.Locator("#prescriber-role").FillAsync("GP");
        await page.Locator("#last-dispensed").FillAsync(today);
        await page.Locator("#supervised").CheckAsync();
        await page.Locator("#pharmacy").FillAsync("FQ123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the reply" }).ClickAsync();
        await page.Locator(".answer h2").WaitForAsync();

        Assert.Equal("The gateway accepted it", await page.Locator(".answer h2").InnerTextAsync());
        Assert.Contains("HLI", await page.Locator(".answer").InnerTextAsync(), StringComparison.Ordinal);
        string? reply = null;
        await GatewayUnderTest.Eventually(
            () => (reply = Pushed("HLI").Select(p => GatewayUnderTest.Open(p.Body, "HLI")).FirstOrDefault(d => d.Contains("reception-reply", StringComparison.Ordinal))) is not null,
            Patience, "the reception reply pushed to HLI");
        Assert.Contains(receptionMessage, reply!, StringComparison.Ordinal);
        Assert.Contains("FQ123", reply!, StringComparison.Ordinal);
        Assert.Equal(InboxStates.Replied, await page.Locator(".status .state").InnerTextAsync());
        NoConsoleErrors(inbox);
    }

    [Fact]
    public async Task A_CJIT_receives_a_release_by_push_at_its_inbox_and_reports_engagement_that_reaches_the_prison()
    {
        await using var inbox = await InboxForTest.StartAsync(Gateway, "CJIT-LEEDS", cjitInboxPort);
        var (submissionId, messageId) = await Submit("HLI", Record(EventTypes.Release), "CJIT-LEEDS");
        var page = await inbox.PageAsync(chromium);
        await inbox.ListShowsAsync(page, messageId);
        await OpenMessage(page, messageId);
        Assert.Equal("delivered", (await Gateway.Track("HLI", submissionId))["CJIT-LEEDS"]["status"]!.GetValue<string>());

        await page.Locator("#engagement-outcome").SelectOptionAsync(EngagementOutcomes.DidNotAttend);
        await page.Locator("#engagement-date").FillAsync(DateTime.Now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#engagement-note").FillAsync("Phoned twice and left messages.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the report" }).ClickAsync();
        await page.Locator(".answer h2").WaitForAsync();

        Assert.Equal("The gateway accepted it", await page.Locator(".answer h2").InnerTextAsync());
        await GatewayUnderTest.Eventually(
            () => Pushed("HLI").Select(p => GatewayUnderTest.Open(p.Body, "HLI")).Any(d => d.Contains("did-not-attend", StringComparison.Ordinal) && d.Contains(messageId, StringComparison.Ordinal)),
            Patience, "the engagement report pushed to HLI");
        Assert.Empty(Pushed("CJIT-LEEDS"));
        NoConsoleErrors(inbox);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_changes_nothing_and_every_page_has_the_CSP_header()
    {
        var (submissionId, messageId) = await Submit("HLI", Record(EventTypes.Release), "B86030");
        await using var inbox = await InboxForTest.StartAsync(Gateway, "B86030");
        var page = await inbox.PageAsync(chromium);
        await inbox.ListShowsAsync(page, messageId);
        var list = await page.ReloadAsync();
        var document = await page.GotoAsync(new Uri(inbox.Address, "messages/" + messageId).ToString());
        var missing = await page.GotoAsync(new Uri(inbox.Address, "messages/no-such-message").ToString());

        var forged = await page.Context.APIRequest.PostAsync(new Uri(inbox.Address, $"messages/{messageId}/response").ToString(), new APIRequestContextOptions
        {
            Form = page.Context.APIRequest.CreateFormData().Set("outcome", "accepted").Set("name", "Somebody Else").Set("role", "GP"),
        });

        Assert.Equal(400, forged.Status);
        Assert.NotEqual(ResponseOutcomes.Accepted, (await Gateway.Track("HLI", submissionId))["B86030"]["status"]!.GetValue<string>());
        Assert.Equal(404, missing!.Status);
        foreach (var response in new[] { list!, document!, missing })
        {
            Assert.Equal(InboxHost.ContentSecurityPolicy, await response.HeaderValueAsync("content-security-policy"));
        }

        Assert.Equal(InboxHost.ContentSecurityPolicy, forged.Headers["content-security-policy"]);
        NoConsoleErrors(inbox);
    }
}
