using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Two gateway instances on one PostgreSQL database: an answer given to both at once is stored once, and an escalation fires once.</summary>
public sealed class PostgreSqlLoopTests : IAsyncLifetime
{
    // Monday 7 June 2027, 10:00 BST (inside the development certificates' validity).
    private readonly ManualClock clock = new(new DateTimeOffset(2027, 6, 7, 9, 0, 0, TimeSpan.Zero));
    private WireMockServer agencies = null!;
    private GatewayUnderTest a = null!;
    private GatewayUnderTest b = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        agencies = WireMockServer.Start();
        agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        a = await Start(database, null);

        // Every instance on one database holds the same person key.
        var folder = Directory.CreateTempSubdirectory("exg-gateway-test-").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        File.Copy(Path.Combine(a.Data, "audit.key"), Path.Combine(folder, "data", "audit.key"));
        b = await Start(database, folder);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
        agencies.Stop();
        agencies.Dispose();
    }

    private Task<GatewayUnderTest> Start(string database, string? folder) =>
        GatewayUnderTest.StartAsync(agencies.Url!, args => args.AddRange(["--database", database]), s => s.AddSingleton<TimeProvider>(clock), folder);

    private byte[] Transfer() => Examples.Variant(Examples.Transfer, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        j["event"]!["occurredAt"] = clock.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
    });

    private static async Task<string> SubmitTransfer(GatewayUnderTest gateway, byte[] body)
    {
        using var client = gateway.Client("BMI");
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text)["messages"]![0]!["messageId"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> Respond(GatewayUnderTest gateway, string messageId, string outcome)
    {
        using var client = gateway.Client("SFI");
        var body = new JsonObject { ["outcome"] = outcome, ["by"] = new JsonObject { ["name"] = "Dr A Khan", ["role"] = "Prescriber" }, ["reason"] = "No bed" };
        return (await client.RespondAsync(messageId, Encoding.UTF8.GetBytes(body.ToJsonString()))).Status;
    }

    [Fact]
    public async Task The_same_answer_given_to_both_instances_at_once_is_stored_once_and_a_different_one_is_refused()
    {
        var same = new List<string>();
        var different = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            same.Add(await SubmitTransfer(a, Transfer()));
            different.Add(await SubmitTransfer(b, Transfer()));
        }

        var sameAnswers = await Task.WhenAll(same.SelectMany(id => new[] { Respond(a, id, ResponseOutcomes.Rejected), Respond(b, id, ResponseOutcomes.Rejected) }));
        var differentAnswers = await Task.WhenAll(different.Select(id => (Respond(a, id, ResponseOutcomes.Accepted), Respond(b, id, ResponseOutcomes.Rejected)))
            .SelectMany(p => new[] { p.Item1, p.Item2 }));

        Assert.All(sameAnswers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(10, differentAnswers.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(10, differentAnswers.Count(s => s == HttpStatusCode.Conflict));

        // One notice per rejection stored, whichever instance stored it.
        var notices = a.Outbox.List(null, 1000).Count(m => m.Recipient == "BMI");
        var rejected = a.Outbox.Store.Snapshot(tx => same.Concat(different).Select(tx.Responses.Find).Count(r => r!.Outcome == ResponseOutcomes.Rejected));
        Assert.Equal(rejected, notices);
    }

    [Fact]
    public async Task An_escalation_due_on_both_instances_fires_once()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await SubmitTransfer(i % 2 == 0 ? a : b, Transfer()));
        }

        clock.Now = clock.Now.AddHours(5);
        var fired = await Task.WhenAll(Task.Run(() => a.Service<EscalationAlerts>().RunDue()), Task.Run(() => b.Service<EscalationAlerts>().RunDue()));

        var escalations = a.Outbox.Store.Snapshot(tx => tx.Escalations.List());
        Assert.Equal(10, escalations.Count(e => e.Status == EscalationStatus.Escalated));
        Assert.True(fired.Sum() <= 10, $"fired {fired.Sum()} times for 10 escalations");
        Assert.Equal(10, a.Outbox.List(null, 1000).Count(m => m.Recipient == "BMI"));
    }
}
