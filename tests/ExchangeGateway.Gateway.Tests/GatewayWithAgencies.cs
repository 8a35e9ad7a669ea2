using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A test class's running gateway, its push agencies played by one WireMock.Net server that answers 200.</summary>
public abstract class GatewayWithAgencies : IAsyncLifetime
{
    /// <summary>The agencies' endpoints: <c>/agencies/ID</c> on one server.</summary>
    protected WireMockServer Agencies { get; private set; } = null!;

    /// <summary>The gateway under test; a test that restarts it assigns the new one, which is then stopped at the end.</summary>
    private protected GatewayUnderTest Gateway { get; set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Agencies = WireMockServer.Start();
        Agencies.Given(Request.Create().WithPath("/agencies/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        Gateway = await StartGatewayAsync();
    }

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Agencies.Stop();
        Agencies.Dispose();
    }

    /// <summary>Starts the gateway the tests begin with.</summary>
    private protected virtual Task<GatewayUnderTest> StartGatewayAsync() => GatewayUnderTest.StartAsync(Agencies.Url!);
}
