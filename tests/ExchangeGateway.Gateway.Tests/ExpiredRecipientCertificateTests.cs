using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.Crypto;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A recipient whose only certificate has expired: the sender is told at once and nothing is half-accepted.</summary>
public sealed class ExpiredRecipientCertificateTests : GatewayWithAgencies
{
    private string certs = null!;

    private protected override Task<GatewayUnderTest> StartGatewayAsync()
    {
        // The development set with CJIT-LEEDS's certificate replaced by one that ended an hour ago.
        certs = Directory.CreateTempSubdirectory("exg-expired-certs-").FullName;
        foreach (var file in Directory.EnumerateFiles(GatewayUnderTest.Certs))
        {
            File.Copy(file, Path.Combine(certs, Path.GetFileName(file)));
        }

        var now = DateTimeOffset.UtcNow;
        var ca = KeyPair.Load(Path.Combine(certs, "ca.crt"), Path.Combine(certs, "ca.key"));
        var expired = DevelopmentPki.Issue(ca, new CertificateProfile("CJIT-LEEDS", AgencyType.Cjit) { NotBefore = now.AddDays(-30), NotAfter = now.AddHours(-1) }, TimeProvider.System);
        DevelopmentPki.Write(expired, Path.Combine(certs, "CJIT-LEEDS.crt"), Path.Combine(certs, "CJIT-LEEDS.key"));
        return GatewayUnderTest.StartAsync(Agencies.Url!, settings: args => args[args.IndexOf("--certs") + 1] = certs);
    }

    [Fact]
    public async Task A_release_for_a_CJIT_whose_certificate_has_expired_is_answered_503_naming_it_with_nothing_stored_and_the_problem_audited()
    {
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
            Assert.Equal(0, ExgCommandLine.Run(["audit", "export", "--data", Gateway.Data, "--out", export], output, error));
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
