using ExchangeGateway.Cli;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>Only the one DER encoding of a package opens: the parts outside the GCM tag and the signature cannot be varied.</summary>
[Collection(PkiCollection.Name)]
public sealed class DerPackageTests(PkiFixture pki)
{
    private PackageRefusedException Refused(byte[] package) => Assert.Throws<PackageRefusedException>(() => pki.Opener().Open(package));

    private byte[] SealedForB86030() => pki.Sealer().Seal(pki.Bundle, "B86030").Der;

    [Fact]
    public void An_indefinite_length_outer_encoding_of_a_good_package_is_refused_as_not_DER()
    {
        var package = Handmade.WithIndefiniteOuterLengths(SealedForB86030());

        var refusal = Refused(package);

        Assert.Equal(RefusalReason.NotDer, refusal.Reason);
        Assert.StartsWith("not DER: the package", refusal.Refusal.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x04)]
    [InlineData(0x0C)]
    [InlineData(0x80)]
    [InlineData(0x01)]
    [InlineData(0x02)]
    public void A_changed_NULL_tag_in_the_OAEP_parameters_is_refused_as_not_DER(byte tag)
    {
        var package = Handmade.WithOaepNullTag(SealedForB86030(), tag);

        Assert.Equal(RefusalReason.NotDer, Refused(package).Reason);
    }

    [Fact]
    public void OAEP_parameters_with_the_default_label_written_out_are_refused_as_not_DER()
    {
        var sha256 = new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance);
        var explicitDefaultLabel = new DerSequence(
            new DerTaggedObject(true, 0, sha256),
            new DerTaggedObject(true, 1, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdMgf1, sha256)),
            new DerTaggedObject(true, 2, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdPSpecified, new DerOctetString([]))));
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        var package = Handmade.AuthEnveloped(signed, pki.B86030.Certificate, keyTransport: new AlgorithmIdentifier(PkcsObjectIdentifiers.IdRsaesOaep, explicitDefaultLabel));

        Assert.Equal(RefusalReason.NotDer, Refused(package).Reason);
    }

    [Fact]
    public void OAEP_hash_identifiers_without_parameters_open_as_openssl_writes_them()
    {
        var sha256 = new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256);
        var absent = new RsaesOaepParameters(sha256, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdMgf1, sha256), RsaesOaepParameters.DefaultPSourceAlgorithm);
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        var package = Handmade.AuthEnveloped(signed, pki.B86030.Certificate, keyTransport: new AlgorithmIdentifier(PkcsObjectIdentifiers.IdRsaesOaep, absent));

        Assert.Equal(pki.Bundle, pki.Opener().Open(package).Content);
    }

    [Fact]
    public void A_ciphertext_written_as_a_constructed_string_is_refused_as_not_DER()
    {
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        var package = Handmade.AuthEnvelopedWithSegmentedCiphertext(signed, pki.B86030.Certificate);

        var refusal = Refused(package);

        Assert.Equal(RefusalReason.NotDer, refusal.Reason);
        Assert.Contains("re-encoding", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_document_inside_that_is_not_DER_is_refused_as_not_DER()
    {
        var signed = Handmade.WithIndefiniteOuterLengths(Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape()));
        var package = Handmade.AuthEnveloped(signed, pki.B86030.Certificate);

        var refusal = Refused(package);

        Assert.Equal(RefusalReason.NotDer, refusal.Reason);
        Assert.Contains("encrypted content", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_document_that_is_not_DER_is_refused_by_the_verifier_too()
    {
        var signed = Handmade.WithIndefiniteOuterLengths(Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape()));

        var refusal = Assert.Throws<PackageRefusedException>(() => new SignedPackageVerifier(TrustStore.Load(pki.Folder), pki.Time()).Verify(signed));

        Assert.Equal(RefusalReason.NotDer, refusal.Reason);
    }

    [Fact]
    public void An_empty_package_is_refused_as_an_empty_package()
    {
        var refusal = Refused([]);

        Assert.Equal(RefusalReason.EmptyPackage, refusal.Reason);
        Assert.StartsWith("empty package:", refusal.Refusal.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_structure_nested_thousands_deep_is_refused_without_exhausting_the_stack()
    {
        // Built from the inside out: each level a SEQUENCE header around the one before it.
        var nested = new List<byte> { 0x05, 0x00 };
        for (var i = 0; i < 5000; i++)
        {
            var length = nested.Count;
            byte[] header = length < 0x80 ? [0x30, (byte)length] : length < 0x100 ? [0x30, 0x81, (byte)length] : [0x30, 0x82, (byte)(length >> 8), (byte)length];
            nested.InsertRange(0, header);
        }

        Assert.Equal(RefusalReason.NotDer, Refused([.. nested]).Reason);
    }

    [Fact]
    public void Open_refuses_an_empty_file_naming_the_reason()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("package.der"), []);

        var open = CliRun.Of("open", work.File("package.der"), "--as", "B86030", "--certs", work.Path, "--out", work.File("opened.json"));

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.StartsWith("error: empty package:", open.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(work.File("opened.json")));
    }

    [Fact]
    public void Open_refuses_a_package_that_is_not_DER_naming_the_reason()
    {
        using var work = pki.CopyFolder();
        File.WriteAllBytes(work.File("package.der"), Handmade.WithIndefiniteOuterLengths(SealedForB86030()));

        var open = CliRun.Of("open", work.File("package.der"), "--as", "B86030", "--certs", work.Path, "--out", work.File("opened.json"));

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.StartsWith("error: not DER:", open.Error, StringComparison.Ordinal);
    }
}
