using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.TestData;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Push delivery against agency endpoints that fail, refuse or hang.</summary>
public sealed class PushDeliveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static byte[] Release(string cjit = "CJIT-LEEDS") => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["dir"]!["releasePlan"]!["cjitArea"] = cjit;
    });

    private static byte[] Transfer(string to) => Examples.Variant(Examples.Transfer, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["to"] = to;
    });

    private static async Task<string> Submit(GatewayUnderTest gateway, string sender, byte[] body, string recipient)
    {
        using var client = gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return JsonNode.Parse(response.Text)!["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == recipient)!["messageId"]!.GetValue<string>();
    }

    private static string[] PushIds(WireMockServer server, string agency) =>
        [.. server.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency).Select(e => e.RequestMessage.Headers!["X-Message-Id"].ToString())];

    [Fact]
    public async Task A_503_then_200_is_retried_and_delivered_under_the_same_message_id()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).InScenario("flaky").WillSetStateTo("up")
            .RespondWith(Response.Create().WithStatusCode(503));
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).InScenario("flaky").WhenStateIs("up")
            .RespondWith(Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!);

        var id = await Submit(gateway, "HLI", Release(), "CJIT-LEEDS");
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("delivered", 10).Any(m => m.MessageId == id), Patience, "delivery after a retry");
        Assert.Equal([id, id], PushIds(server, "CJIT-LEEDS"));
        Assert.Equal("application/pkcs7-mime", server.LogEntries.First().RequestMessage.Headers!["Content-Type"].ToString());
        Assert.Equal(2, gateway.Outbox.List("delivered", 10).Single(m => m.MessageId == id).Attempts);
    }

    [Fact]
    public async Task A_4xx_answer_dead_letters_the_message_at_once()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).RespondWith(Response.Create().WithStatusCode(400));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!);

        var id = await Submit(gateway, "HLI", Release(), "CJIT-LEEDS");
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == id), Patience, "the dead letter");
        await Task.Delay(500);
        Assert.Single(PushIds(server, "CJIT-LEEDS"));
        Assert.True(gateway.Outbox.Totals().Balances);
    }

    [Fact]
    public async Task A_message_retried_past_the_give_up_window_is_dead_lettered()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/CJIT-LEEDS").UsingPost()).RespondWith(Response.Create().WithStatusCode(503));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!, args => args.AddRange(["--Gateway:GiveUpAfter", "00:00:01.500"]));

        var id = await Submit(gateway, "HLI", Release(), "CJIT-LEEDS");
        await GatewayUnderTest.Eventually(() => gateway.Outbox.List("dead-letter", 10).Any(m => m.MessageId == id), Patience, "the dead letter after the window");
        Assert.True(PushIds(server, "CJIT-LEEDS").Length >= 2);
    }

    [Fact]
    public async Task A_hanging_agency_does_not_delay_the_others()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/NHI").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        server.Given(Request.Create().WithPath("/agencies/*").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!, args => args.AddRange(["--Gateway:PushTimeout", "00:00:30"]));

        // Enough to the hanging prison to fill its per-agency slots, then one to a healthy prison.
        for (var i = 0; i < 6; i++)
        {
            await Submit(gateway, "BMI", Transfer("NHI"), "NHI");
        }

        var clock = Stopwatch.StartNew();
        var healthy = await Submit(gateway, "BMI", Transfer("SFI"), "SFI");
        await GatewayUnderTest.Eventually(() => PushIds(server, "SFI").Contains(healthy), TimeSpan.FromSeconds(10), "the healthy agency's delivery");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.DoesNotContain(gateway.Outbox.List("delivered", 100), m => m.Recipient == "NHI");
    }
}
