using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.Crypto;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// A recipient whose only certificate expires: a gateway will not start with it, and one already running tells the
/// sender at once and half-accepts nothing.
/// </summary>
public sealed class ExpiredRecipientCertificateTests : GatewayWithAgencies
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;
    private readonly ManualClock clock = new(Start);
    private string certs = null!;

    private protected override Task<GatewayUnderTest> StartGatewayAsync()
    {
        // The development set with CJIT-LEEDS's certificate replaced by one that ends a day after the gateway starts.
        certs = Directory.CreateTempSubdirectory("exg-expiring-certs-").FullName;
        foreach (var file in Directory.EnumerateFiles(GatewayUnderTest.Certs))
        {
            File.Copy(file, Path.Combine(certs, Path.GetFileName(file)));
        }

        var ca = KeyPair.Load(Path.Combine(certs, "ca.crt"), Path.Combine(certs, "ca.key"));
        var expiring = DevelopmentPki.Issue(ca, new CertificateProfile("CJIT-LEEDS", AgencyType.Cjit) { NotBefore = Start.AddDays(-30), NotAfter = Start.AddDays(1) }, TimeProvider.System);
        DevelopmentPki.Write(expiring, Path.Combine(certs, "CJIT-LEEDS.crt"), Path.Combine(certs, "CJIT-LEEDS.key"));
        return StartAsync(folder: null);
    }

    private Task<GatewayUnderTest> StartAsync(string? folder) => GatewayUnderTest.StartAsync(
        Agencies.Url!, settings: args => args[args.IndexOf("--certs") + 1] = certs, services: s => s.AddSingleton<TimeProvider>(clock), folder: folder);

    [Fact]
    public async Task A_gateway_will_not_start_with_an_agency_whose_only_certificate_has_expired_and_names_it()
    {
        await Gateway.StopKeepingDataAsync();
        clock.Now = Start.AddDays(2);

        var refusal = await Assert.ThrowsAsync<GatewayConfigurationException>(() => StartAsync(Gateway.Folder));

        Assert.Contains("agency CJIT-LEEDS: certificate not usable", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("expired", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_for_a_CJIT_whose_certificate_has_expired_is_answered_503_naming_it_with_nothing_stored_and_the_problem_audited()
    {
        clock.Now = Start.AddDays(2);
        var submissionId = Guid.NewGuid().ToString();
        using var client = Gateway.Client("HLI");

        var answer = await client.SubmitAsync(Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = submissionId));

        Assert.Equal(503, (int)answer.Status);
        Assert.Contains("cannot seal for CJIT-LEEDS (certificate problem); nothing was accepted", answer.Text, StringComparison.Ordinal);
        Assert.Null(Gateway.Outbox.FindSubmission(submissionId));
        Assert.Empty(Gateway.Outbox.List(null, 100));

        var export = Path.Combine(Gateway.Folder, "audit.jsonl");
        using (var output = new StringWriter())
        using (var error = new StringWriter())
        {
            Assert.Equal(0, ExgCommandLine.Run(["audit", "export", "--data", Gateway.Data, "--out", export, "--certs", certs], output, error));
        }

        var problem = Assert.Single(File.ReadLines(export), line => line.Contains($"\"{AuditEventTypes.CertificateProblem}\"", StringComparison.Ordinal));
        Assert.Contains("CJIT-LEEDS", problem, StringComparison.Ordinal);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(certs, recursive: true);
    }
}
