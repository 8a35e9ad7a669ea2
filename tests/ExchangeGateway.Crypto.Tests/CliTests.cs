using ExchangeGateway.Cli;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>Runs exg in-process, capturing its output, error and exit code.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ExgCommandLine.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

[Collection(PkiCollection.Name)]
public sealed class CliTests(PkiFixture pki)
{
    [Fact]
    public void Seal_then_open_gives_back_the_bundle_byte_for_byte()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);

        var seal = CliRun.Of("seal", work.File("bundle.json"), "--to", "B86030", "--certs", work.Path, "--out", work.File("package.der"));
        var open = CliRun.Of("open", work.File("package.der"), "--as", "B86030", "--certs", work.Path, "--out", work.File("opened.json"));

        Assert.True(seal.ExitCode == 0, seal.Error);
        Assert.True(open.ExitCode == 0, open.Error);
        Assert.Equal(pki.Bundle, File.ReadAllBytes(work.File("opened.json")));
    }

    [Fact]
    public void Opening_as_the_wrong_agency_exits_1_with_cannot_decrypt()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("package.der"), pki.Sealer().Seal(pki.Bundle, "B86030").Der);

        var open = CliRun.Of("open", work.File("package.der"), "--as", "B82005", "--certs", work.Path, "--out", work.File("opened.json"));

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.Equal("error: cannot decrypt", open.Error.Trim());
        Assert.False(File.Exists(work.File("opened.json")));
    }

    [Fact]
    public void Open_refuses_an_unbound_package_unless_told_to_allow_it()
    {
        using var work = pki.CopyFolder();
        var package = Handmade.AuthEnveloped(Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape { Recipient = null }), pki.B86030.Certificate);
        File.WriteAllBytes(work.File("package.der"), package);
        string[] args = ["open", work.File("package.der"), "--as", "B86030", "--certs", work.Path, "--out", work.File("opened.json")];

        var strict = CliRun.Of(args);
        var allowed = CliRun.Of([.. args, "--allow-unbound"]);

        Assert.Equal(ExitCodes.InvalidInput, strict.ExitCode);
        Assert.StartsWith("error: not addressed to you:", strict.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, allowed.ExitCode);
        Assert.Contains("warning:", allowed.Error, StringComparison.Ordinal);
        Assert.Equal(pki.Bundle, File.ReadAllBytes(work.File("opened.json")));
    }

    [Fact]
    public void Seal_without_an_addressee_is_a_usage_error()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);

        var seal = CliRun.Of("seal", work.File("bundle.json"), "--certs", work.Path, "--out", work.File("package.der"));

        Assert.Equal(ExitCodes.Usage, seal.ExitCode);
    }

    [Fact]
    public void Seal_to_an_unknown_agency_exits_1()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);

        var seal = CliRun.Of("seal", work.File("bundle.json"), "--to", "NOWHERE", "--certs", work.Path, "--out", work.File("package.der"));

        Assert.Equal(ExitCodes.InvalidInput, seal.ExitCode);
        Assert.StartsWith("error: no certificate for agency NOWHERE", seal.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_checks_a_bare_signed_document_and_refuses_a_tampered_one()
    {
        using var work = pki.CopyFolder();
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        File.WriteAllBytes(work.File("signed.der"), signed);
        signed[signed.Length / 2] ^= 0x01;
        File.WriteAllBytes(work.File("tampered.der"), signed);

        var good = CliRun.Of("verify", work.File("signed.der"), "--certs", work.Path, "--out", work.File("content.json"));
        var bad = CliRun.Of("verify", work.File("tampered.der"), "--certs", work.Path);

        Assert.True(good.ExitCode == 0, good.Error);
        Assert.Equal(pki.Bundle, File.ReadAllBytes(work.File("content.json")));
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.StartsWith("error: tampered:", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Certs_init_dev_makes_a_set_that_lists_seals_and_opens_and_issue_adds_a_rotation()
    {
        using var work = new TempFolder();
        var certs = Path.Combine(work.Path, "certs");

        var init = CliRun.Of("certs", "init-dev", "--out", certs);
        var issue = CliRun.Of("certs", "issue", "--id", "HLI", "--type", "prison", "--ca", certs, "--out", certs);
        var list = CliRun.Of("certs", "list", "--certs", certs);

        Assert.True(init.ExitCode == 0, init.Error);
        Assert.True(issue.ExitCode == 0, issue.Error);
        Assert.True(File.Exists(Path.Combine(certs, "HLI.2.crt")) && File.Exists(Path.Combine(certs, "HLI.2.key")));
        foreach (var (id, _) in DevelopmentPki.DemoAgencies)
        {
            Assert.Contains($"\n{id}\tagency\t", "\n" + list.Output, StringComparison.Ordinal);
        }

        Assert.Contains("digitalSignature,keyEncipherment", list.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(certs, "README.md")));
        OpenSsl.Run("openssl verify -CAfile ca.crt -crl_check -CRLfile ca.crl -purpose smimesign gateway.crt HLI.crt HLI.2.crt B86030.crt", certs);

        File.WriteAllBytes(Path.Combine(work.Path, "bundle.json"), pki.Bundle);
        var seal = CliRun.Of("seal", Path.Combine(work.Path, "bundle.json"), "--to", "HLI", "--certs", certs, "--out", Path.Combine(work.Path, "p.der"));
        var open = CliRun.Of("open", Path.Combine(work.Path, "p.der"), "--as", "HLI", "--certs", certs, "--out", Path.Combine(work.Path, "out.json"));
        Assert.True(seal.ExitCode == 0, seal.Error);
        Assert.True(open.ExitCode == 0, open.Error);
        Assert.Equal(pki.Bundle, File.ReadAllBytes(Path.Combine(work.Path, "out.json")));
    }

    [Fact]
    public void Certs_issue_with_an_unknown_type_is_a_usage_error()
    {
        var issue = CliRun.Of("certs", "issue", "--id", "X", "--type", "hospital", "--ca", pki.Folder, "--out", pki.Folder);

        Assert.Equal(ExitCodes.Usage, issue.ExitCode);
    }

    [Fact]
    public void The_committed_development_set_seals_and_opens_for_every_agency()
    {
        var certs = Path.Combine(RepositoryRoot(), "certs-dev");
        var trust = TrustStore.Load(certs);
        var sealer = new PackageSealer(KeyPair.Load(Path.Combine(certs, "gateway.crt"), Path.Combine(certs, "gateway.key")), trust, TimeProvider.System);

        foreach (var (id, type) in DevelopmentPki.DemoAgencies.Where(a => a.Type != AgencyType.Gateway))
        {
            var package = sealer.Seal(pki.Bundle, id).Der;
            var opened = new PackageOpener(RecipientIdentity.Load(certs, id), trust, TimeProvider.System).Open(package);
            Assert.Equal(pki.Bundle, opened.Content);
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ExchangeGateway.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new DirectoryNotFoundException("no ExchangeGateway.sln above the test folder");
    }
}
