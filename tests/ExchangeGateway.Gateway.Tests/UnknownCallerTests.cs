using System.Net;
using ExchangeGateway.Crypto;
using ExchangeGateway.Http;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A certificate from the trusted CA is not enough: the API answers only agencies of the directory.</summary>
public sealed class UnknownCallerTests : GatewayWithAgencies
{
    /// <summary>Every /api/v1 endpoint, called as the client's agency.</summary>
    private static readonly (string Name, Func<GatewayClient, Task<GatewayResponse>> Call)[] Endpoints =
    [
        ("POST /api/v1/submissions", c => c.SubmitAsync(Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = Guid.NewGuid().ToString()))),
        ("GET /api/v1/submissions/{id}", c => c.TrackAsync(Guid.NewGuid().ToString())),
        ("GET /api/v1/mailbox", c => c.MailboxAsync()),
        ("GET /api/v1/mailbox/{messageId}", c => c.FetchAsync(Guid.NewGuid().ToString())),
        ("POST /api/v1/mailbox/{messageId}/ack", c => c.AcknowledgeAsync(Guid.NewGuid().ToString())),
    ];

    [Fact]
    public async Task Every_API_endpoint_answers_403_to_a_valid_certificate_naming_no_agency_in_the_directory()
    {
        using var certs = new TemporaryFolder();
        foreach (var file in Directory.EnumerateFiles(GatewayUnderTest.Certs))
        {
            File.Copy(file, Path.Combine(certs.Path, Path.GetFileName(file)));
        }

        // Issued by the gateway's own trusted development CA, so the TLS handshake succeeds; only the directory does not know it.
        var authority = KeyPair.Load(Path.Combine(certs.Path, "ca.crt"), Path.Combine(certs.Path, "ca.key"));
        var stranger = DevelopmentPki.Issue(authority, new CertificateProfile("HMP-NOWHERE", AgencyType.Prison) { KeyType = DevelopmentKeyType.EcdsaP256 }, TimeProvider.System);
        DevelopmentPki.Write(stranger, Path.Combine(certs.Path, "HMP-NOWHERE.crt"), Path.Combine(certs.Path, "HMP-NOWHERE.key"));

        await AssertEveryEndpointForbids(TlsIdentity.Load(certs.Path, "HMP-NOWHERE", TimeProvider.System), "HMP-NOWHERE");
    }

    [Fact]
    public async Task Every_API_endpoint_answers_403_to_the_gateways_own_certificate()
    {
        await AssertEveryEndpointForbids(TlsIdentity.Load(GatewayUnderTest.Certs, "gateway", TimeProvider.System), "gateway");
    }

    [Fact]
    public async Task Every_API_endpoint_answers_403_to_an_operator_who_neither_sends_nor_receives_records()
    {
        using var client = Gateway.Client("OPS");
        foreach (var (name, call) in Endpoints)
        {
            var response = await call(client);

            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{name} answered {(int)response.Status}: {response.Text}");
            Assert.Contains("an operator", GatewayUnderTest.Json(response.Text)["title"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(0, Gateway.Outbox.Totals().Accepted);
    }

    [Fact]
    public async Task An_agency_of_the_directory_still_gets_its_mailbox()
    {
        using var client = Gateway.Client("B86030");

        var response = await client.MailboxAsync();

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    private async Task AssertEveryEndpointForbids(TlsIdentity identity, string agency)
    {
        using var client = new GatewayClient(Gateway.Address, identity);
        foreach (var (name, call) in Endpoints)
        {
            var response = await call(client);

            Assert.True(response.Status == HttpStatusCode.Forbidden, $"{name} answered {(int)response.Status}: {response.Text}");
            Assert.Equal("application/problem+json", response.MediaType);
            Assert.Contains("no agency known to this gateway", GatewayUnderTest.Json(response.Text)["title"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(0, Gateway.Outbox.Totals().Accepted);
        Assert.Contains(Gateway.Logs.Events, e => e.RenderMessage().Contains(agency, StringComparison.Ordinal) && e.MessageTemplate.Text.StartsWith("Refused a caller", StringComparison.Ordinal));
    }
}
