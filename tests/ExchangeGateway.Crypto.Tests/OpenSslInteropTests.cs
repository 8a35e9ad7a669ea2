namespace ExchangeGateway.Crypto.Tests;

[Collection(PkiCollection.Name)]
public sealed class OpenSslInteropTests(PkiFixture pki)
{
    [Fact]
    public void This_machine_has_OpenSSL_3()
    {
        var (code, output, _) = OpenSsl.Shell("openssl version", pki.Folder);

        Assert.Equal(0, code);
        Assert.StartsWith("OpenSSL 3.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sealed_package_decrypts_and_verifies_with_openssl_to_the_same_bytes()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("package.der"), pki.Sealer().Seal(pki.Bundle, "B86030").Der);

        OpenSsl.Run(
            "openssl cms -decrypt -inform DER -in package.der -inkey B86030.key -recip B86030.crt"
            + " | openssl cms -verify -inform DER -CAfile ca.crt -out bundle.out",
            work.Path);

        Assert.Equal(pki.Bundle, File.ReadAllBytes(work.File("bundle.out")));
    }

    [Fact]
    public void A_package_made_by_openssl_opens_when_unbound_packages_are_allowed()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);
        OpenSsl.Run("openssl cms -sign -binary -nodetach -outform DER -signer gateway.crt -inkey gateway.key -in bundle.json -out signed.der", work.Path);
        OpenSsl.Run(
            "openssl cms -encrypt -aes-256-gcm -binary -outform DER -in signed.der -out package.der -recip B86030.crt"
            + " -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256",
            work.Path);
        var package = File.ReadAllBytes(work.File("package.der"));

        var opened = pki.Opener(folderPath: work.Path, allowUnbound: true).Open(package);

        Assert.Equal(pki.Bundle, opened.Content);
        Assert.Equal("gateway", opened.Signer.AgencyId);
        Assert.False(opened.IsBoundToRecipient);
        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener(folderPath: work.Path).Open(package));
        Assert.Equal(RefusalReason.NotAddressedToYou, refusal.Reason);
    }

    [Fact]
    public void A_package_made_by_openssl_with_PKCS1_key_transport_is_refused()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);
        OpenSsl.Run("openssl cms -sign -binary -nodetach -outform DER -signer gateway.crt -inkey gateway.key -in bundle.json -out signed.der", work.Path);
        OpenSsl.Run("openssl cms -encrypt -aes-256-gcm -binary -outform DER -in signed.der -out package.der -recip B86030.crt", work.Path);

        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener(folderPath: work.Path, allowUnbound: true).Open(File.ReadAllBytes(work.File("package.der"))));

        Assert.Equal(RefusalReason.DisallowedAlgorithm, refusal.Reason);
    }

    [Fact]
    public void A_document_signed_by_openssl_verifies()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("bundle.json"), pki.Bundle);
        OpenSsl.Run("openssl cms -sign -binary -nodetach -outform DER -signer gateway.crt -inkey gateway.key -in bundle.json -out signed.der", work.Path);

        var verified = new SignedPackageVerifier(TrustStore.Load(work.Path), pki.Time()).Verify(File.ReadAllBytes(work.File("signed.der")));

        Assert.Equal(pki.Bundle, verified.Content);
        Assert.Null(verified.RecipientAgencyId);
    }

    [Fact]
    public void OpenSSL_accepts_the_development_certificates_and_CRL()
    {
        OpenSsl.Run("openssl verify -CAfile ca.crt -crl_check -CRLfile ca.crl -purpose smimesign gateway.crt B86030.crt B82005.crt", pki.Folder);
        OpenSsl.Run("openssl verify -CAfile ca.crt -purpose sslserver gateway.crt", pki.Folder);
    }
}
