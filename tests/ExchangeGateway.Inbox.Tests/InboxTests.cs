using System.Net;
using ExchangeGateway.Cli;

namespace ExchangeGateway.Inbox.Tests;

/// <summary>The inbox on its own, with no gateway: what it takes by push, what it keeps, and how it guards its pages and forms.</summary>
public sealed class InboxTests
{
    private static readonly string[] SecurityHeaders = ["X-Content-Type-Options", "Referrer-Policy", "Cache-Control"];

    [Fact]
    public async Task A_pushed_release_summary_is_listed_as_new_and_opening_it_marks_it_read()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");

        Assert.Equal(HttpStatusCode.OK, await inbox.PushAsync(package.Der, messageId: package.MessageId));

        var list = await inbox.Browser.GetStringAsync("/");
        Assert.Contains(package.MessageId, list, StringComparison.Ordinal);
        Assert.Contains("<span class=\"state\">new</span>", list, StringComparison.Ordinal);
        Assert.Contains("9434765919", list, StringComparison.Ordinal);
        var page = await inbox.Browser.GetStringAsync("/messages/" + package.MessageId);
        Assert.Contains("Accept", page, StringComparison.Ordinal);
        Assert.Equal(InboxStates.Read, inbox.StateOf(package.MessageId));
    }

    [Fact]
    public async Task The_same_pushed_message_again_is_a_duplicate_answered_200_and_listed_once()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");
        await inbox.PushAsync(package.Der);
        await inbox.Browser.GetStringAsync("/messages/" + package.MessageId);

        Assert.Equal(HttpStatusCode.OK, await inbox.PushAsync(package.Der));

        var list = await inbox.Browser.GetStringAsync("/");
        Assert.Single(new InboxStore(inbox.Settings.Store).List());
        Assert.Equal(1, list.Split("/messages/" + package.MessageId).Length - 1);
        Assert.Equal(InboxStates.Read, inbox.StateOf(package.MessageId));
    }

    [Fact]
    public async Task A_package_that_does_not_open_for_this_agency_is_refused_with_400_and_another_agency_path_is_404()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var forAnother = InboxUnderTest.Package("B82005");

        Assert.Equal(HttpStatusCode.BadRequest, await inbox.PushAsync(forAnother.Der));
        Assert.Equal(HttpStatusCode.BadRequest, await inbox.PushAsync("not a package"u8.ToArray()));
        Assert.Equal(HttpStatusCode.NotFound, await inbox.PushAsync(forAnother.Der, agency: "B82005"));
        Assert.Empty(new InboxStore(inbox.Settings.Store).List());
    }

    [Fact]
    public async Task The_store_keeps_messages_and_their_states_across_a_restart()
    {
        var package = InboxUnderTest.Package("B86030");
        string store;
        await using (var first = await InboxUnderTest.StartAsync())
        {
            store = first.Settings.Store;
            await first.PushAsync(package.Der);
            await first.Browser.GetStringAsync("/messages/" + package.MessageId);
        }

        await using var second = await InboxUnderTest.StartAsync(store: store);

        Assert.Equal(InboxStates.Read, second.StateOf(package.MessageId));
        Assert.Contains(package.MessageId, await second.Browser.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Contains("Release", await second.Browser.GetStringAsync("/messages/" + package.MessageId), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(store, "*.tmp"));
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_with_400_and_changes_nothing()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");
        await inbox.PushAsync(package.Der);
        await inbox.Browser.GetStringAsync("/messages/" + package.MessageId);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["outcome"] = "accepted", ["name"] = "Dr A Khan", ["role"] = "GP" });
        using var response = await inbox.Browser.PostAsync($"messages/{package.MessageId}/response", form);
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = "forged", ["outcome"] = "accepted", ["name"] = "X", ["role"] = "GP" });
        using var forgedResponse = await inbox.Browser.PostAsync($"messages/{package.MessageId}/response", forged);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("nothing was done", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, forgedResponse.StatusCode);
        Assert.Equal(InboxStates.Read, inbox.StateOf(package.MessageId));
        Assert.Null(new InboxStore(inbox.Settings.Store).Find(package.MessageId)!.LastAction);
    }

    [Fact]
    public async Task An_answer_when_the_gateway_cannot_be_reached_is_a_503_page_saying_so_and_changes_nothing()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");
        await inbox.PushAsync(package.Der);
        var token = InboxUnderTest.TokenIn(await inbox.Browser.GetStringAsync("/messages/" + package.MessageId));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["outcome"] = "accepted", ["name"] = "Dr A Khan", ["role"] = "GP" });
        using var response = await inbox.Browser.PostAsync($"messages/{package.MessageId}/response", form);
        using var check = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var checkResponse = await inbox.Browser.PostAsync("check", check);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("could not be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, checkResponse.StatusCode);
        Assert.Equal(InboxStates.Read, inbox.StateOf(package.MessageId));
    }

    [Fact]
    public async Task An_unknown_message_id_is_a_404_page()
    {
        await using var inbox = await InboxUnderTest.StartAsync();

        using var response = await inbox.Browser.GetAsync("messages/no-such-message");
        using var path = await inbox.Browser.GetAsync("messages/..%2F..%2Fetc");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No such message", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, path.StatusCode);
    }

    [Fact]
    public async Task Every_page_carries_the_strict_content_security_policy_and_the_other_security_headers()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");
        await inbox.PushAsync(package.Der);
        using var noToken = new FormUrlEncodedContent([]);

        foreach (var response in new[]
        {
            await inbox.Browser.GetAsync(""), await inbox.Browser.GetAsync("messages/" + package.MessageId), await inbox.Browser.GetAsync("messages/nope"),
            await inbox.Browser.GetAsync("inbox.css"), await inbox.Browser.GetAsync("document.css"), await inbox.Browser.GetAsync("no/such/page"),
            await inbox.Browser.PostAsync("check", noToken),
        })
        {
            using (response)
            {
                Assert.Equal(InboxHost.ContentSecurityPolicy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
                Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
                Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
                Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
                Assert.All(SecurityHeaders, h => Assert.True(response.Headers.Contains(h), h));
            }
        }
    }

    [Fact]
    public async Task The_inbox_refuses_to_listen_anywhere_but_loopback_plain_http()
    {
        var settings = new InboxSettings(new Uri("https://127.0.0.1:1/"), "B86030", "gp", TestData.ChromiumBrowser.DevelopmentCerts, new Uri("http://0.0.0.0:8490"), Path.GetTempPath(), TimeSpan.FromHours(1));
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Throws<ArgumentException>(() => InboxHost.Build(settings));
        foreach (var listen in (string[])["http://0.0.0.0:8490", "http://192.0.2.10:8490", "https://127.0.0.1:8490", "http://example.org:8490"])
        {
            var exit = ExgCommandLine.Run(["inbox", "--gateway", "https://127.0.0.1:1/", "--as", "B86030", "--certs", TestData.ChromiumBrowser.DevelopmentCerts, "--listen", listen], output, error);
            Assert.Equal(ExitCodes.Usage, exit);
        }

        Assert.Contains("loopback only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_agency_type_comes_from_the_certificate_unless_given_and_an_unknown_type_is_a_usage_error()
    {
        var expected = new Dictionary<string, string>
        {
            ["HLI"] = "prison", ["CJIT-LEEDS"] = "cjit", ["CTP-FWDLEEDS"] = "community-treatment", ["B86030"] = "gp", ["OPS"] = "",
        };
        foreach (var (agency, type) in expected)
        {
            Assert.Equal(type, InboxSettings.TypeFromCertificate(TestData.ChromiumBrowser.DevelopmentCerts, agency) ?? "");
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExgCommandLine.Run(["inbox", "--gateway", "https://127.0.0.1:1/", "--as", "B86030", "--type", "pharmacy", "--certs", TestData.ChromiumBrowser.DevelopmentCerts], output, error);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--type pharmacy: expected one of prison, cjit, community-treatment, gp", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_sealed_by_another_agency_of_the_ca_is_refused_and_never_listed()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var forged = InboxUnderTest.Package("B86030", signer: "HLI");

        Assert.Equal(HttpStatusCode.BadRequest, await inbox.PushAsync(forged.Der));

        Assert.Empty(new InboxStore(inbox.Settings.Store).List());
    }

    [Fact]
    public async Task A_request_addressed_to_another_host_name_is_refused_against_dns_rebinding()
    {
        await using var inbox = await InboxUnderTest.StartAsync();
        var package = InboxUnderTest.Package("B86030");
        await inbox.PushAsync(package.Der);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "attacker.example";

        using var answer = await inbox.Browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.DoesNotContain("Example", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await inbox.Browser.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
    }
}
