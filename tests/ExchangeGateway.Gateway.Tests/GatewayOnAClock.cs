using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A test class's running gateway on a clock the test moves by hand, restarted on the same data when a test asks.</summary>
public abstract class GatewayOnAClock(DateTimeOffset start) : GatewayWithAgencies
{
    /// <summary>How long a test waits for a push.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private protected ManualClock Clock { get; } = new(start);

    private protected override Task<GatewayUnderTest> StartGatewayAsync() => Start();

    /// <summary>Starts a gateway on the clock, on <paramref name="folder"/>'s data when given, with extra settings.</summary>
    private protected Task<GatewayUnderTest> Start(string? folder = null, params string[] settings) =>
        GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(settings), s => s.AddSingleton<TimeProvider>(Clock), folder);

    /// <summary>Stops the gateway and starts another on the same data, as an operator's restart would.</summary>
    private protected async Task Restart()
    {
        var folder = Gateway.Folder;
        await Gateway.StopKeepingDataAsync();
        Gateway = await Start(folder);
    }

    /// <summary>An instant as the contract writes it.</summary>
    protected static string At(DateTimeOffset instant) => instant.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Submits as <paramref name="sender"/>, expecting <paramref name="expected"/>, and returns the answer.</summary>
    private protected async Task<JsonNode> Submit(byte[] body, string sender, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var client = Gateway.Client(sender);
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == expected, response.Text);
        return GatewayUnderTest.Json(response.Text);
    }

    /// <summary>The documents pushed to an agency that contain <paramref name="code"/>, opened as of the clock (they are signed at its time).</summary>
    private protected List<string> Pushed(string agency, string code) =>
        [.. Agencies.LogEntries.Where(e => e.RequestMessage.Path == "/agencies/" + agency)
            .Select(e => Encoding.UTF8.GetString(new PackageOpener(RecipientIdentity.Load(GatewayUnderTest.Certs, agency), TrustStore.Load(GatewayUnderTest.Certs), Clock).Open(e.RequestMessage.BodyAsBytes!).Content))
            .Where(d => d.Contains($"\"{code}\"", StringComparison.Ordinal))];
}
