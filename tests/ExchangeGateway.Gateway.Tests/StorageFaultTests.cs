using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A full or read-only disk: senders hear 503 with a problem body, agencies are not hammered, the log is not flooded, and the gateway recovers by itself.</summary>
public sealed class StorageFaultTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    private static byte[] Release() => Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = Guid.NewGuid().ToString());

    private static HttpClient RawClient(GatewayUnderTest gateway, string agency) =>
        new(TlsIdentity.Load(GatewayUnderTest.Certs, agency, TimeProvider.System).Handler(TimeSpan.FromSeconds(5))) { BaseAddress = gateway.Address };

    private static int Posts(WireMockServer server, string messageId) =>
        server.LogEntries.Count(e => e.RequestMessage.Path == "/agencies/CJIT-LEEDS" && e.RequestMessage.Headers!["X-Message-Id"].ToString() == messageId);

    [Fact]
    public async Task A_submission_that_cannot_be_stored_gets_503_with_a_problem_body_and_Retry_After_and_nothing_half_stored()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!);
        using var http = RawClient(gateway, "HLI");
        var body = Release();
        var before = gateway.Outbox.Totals();

        gateway.Outbox.Simulate(SimulatedStorageFault.Full);
        using var refused = await http.PostAsync("api/v1/submissions", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StorageFaultAnswers.Title, GatewayUnderTest.Json(await refused.Content.ReadAsStringAsync())["title"]!.GetValue<string>());
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
        var submissionId = JsonNode.Parse(body)!["submissionId"]!.GetValue<string>();
        Assert.Null(gateway.Outbox.FindSubmission(submissionId));
        Assert.Equal(before, gateway.Outbox.Totals());

        gateway.Outbox.Simulate(SimulatedStorageFault.None);
        using var accepted = await http.PostAsync("api/v1/submissions", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.True(gateway.Outbox.Totals().Balances);
        Assert.DoesNotContain("\"@l\":\"Error\"", gateway.Logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_results_cannot_be_recorded_an_agency_gets_a_message_at_most_a_handful_of_times_and_the_log_is_not_flooded()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/agencies/*").UsingPost()).AtPriority(5).RespondWith(Response.Create().WithStatusCode(503));
        await using var gateway = await GatewayUnderTest.StartAsync(server.Url!, args => args.AddRange(["--Gateway:RetryMin", "00:00:00.050", "--Gateway:RetryMax", "00:00:00.100"]));
        using var client = gateway.Client("HLI");
        var accepted = GatewayUnderTest.Json((await client.SubmitAsync(Release())).Text);
        var messageId = accepted["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == "CJIT-LEEDS")!["messageId"]!.GetValue<string>();
        await GatewayUnderTest.Eventually(() => Posts(server, messageId) > 0, Patience, "a first push");

        gateway.Outbox.Simulate(SimulatedStorageFault.ReadOnly);
        var logLinesBefore = gateway.Logs.Count;
        var postsBefore = Posts(server, messageId);
        // A mapping of higher priority, not a reset: between a reset and the next mapping a push would get 404 and be dead-lettered.
        server.Given(Request.Create().WithPath("/agencies/*").UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(200));
        await Task.Delay(TimeSpan.FromSeconds(10));

        // A push is claimed (a write) before it is sent, so a read-only store stops new attempts; only one already in flight lands.
        var posts = Posts(server, messageId) - postsBefore;
        Assert.InRange(posts, 0, 5);
        Assert.True(gateway.Logs.Count - logLinesBefore < 40, $"{gateway.Logs.Count - logLinesBefore} log events in 10 s");
        Assert.DoesNotContain("\"@l\":\"Error\"", gateway.Logs.Text, StringComparison.Ordinal);
        Assert.Contains("Storage unavailable while", gateway.Logs.Text, StringComparison.Ordinal);

        gateway.Outbox.Simulate(SimulatedStorageFault.None);
        await GatewayUnderTest.Eventually(() => gateway.Outbox.Track(accepted["submissionId"]!.GetValue<string>()).Any(t => t.MessageId == messageId && t.Status == MessageStatus.Delivered), Patience, "the delivery recorded once the store works again");
    }

    [Fact]
    public async Task Starting_where_the_data_folder_is_a_file_exits_1_with_one_line_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("exg-datafolder-").FullName;
        var blocker = Path.Combine(folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var data = Path.Combine(blocker, "data");

        var (exit, error) = await RunGateway(data);
        Directory.Delete(folder, recursive: true);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(data, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_where_the_database_cannot_be_opened_exits_1_with_one_line_naming_the_folder()
    {
        var data = Directory.CreateTempSubdirectory("exg-datafolder-").FullName;
        Directory.CreateDirectory(Path.Combine(data, DatabaseLocation.SqliteFileName));

        var (exit, error) = await RunGateway(data);
        Directory.Delete(data, recursive: true);

        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(data, line, StringComparison.Ordinal);
        Assert.Contains("SQLite", line, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Error)> RunGateway(string data)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { CrashTests.GatewayDll(), "--urls", "https://127.0.0.1:0", "--data", data, "--certs", GatewayUnderTest.Certs })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await error);
    }
}
