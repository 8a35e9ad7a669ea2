using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>
/// Found by the fuzz harness: a certificate whose outer signature algorithm differs from the one in its signed part made
/// BouncyCastle throw CertificateException out of the trust check; it must be a refusal like any other bad signature.
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class MismatchedSignatureAlgorithmTests(PkiFixture pki)
{
    private AgencyCertificate GatewayWithOuterAlgorithm(DerObjectIdentifier algorithm)
    {
        var original = X509CertificateStructure.GetInstance(pki.Gateway.Certificate.Certificate.GetEncoded());
        var changed = new X509CertificateStructure(original.TbsCertificate, new AlgorithmIdentifier(algorithm, DerNull.Instance), original.Signature);
        return AgencyCertificate.Parse(changed.GetEncoded(Asn1Encodable.Der));
    }

    [Fact]
    public void A_signer_certificate_whose_outer_algorithm_differs_from_its_signed_one_is_refused_not_thrown()
    {
        var trust = TrustStore.Load(pki.Folder);
        var leaf = GatewayWithOuterAlgorithm(PkcsObjectIdentifiers.Sha512WithRsaEncryption);

        var refusal = trust.Check(leaf, [], [pki.Now], pki.Now, KeyUsages.DigitalSignature);

        Assert.NotNull(refusal);
        Assert.Equal(RefusalReason.UntrustedSigner, refusal.Reason);
    }

    [Fact]
    public void A_package_signed_by_such_a_certificate_is_refused_as_untrusted()
    {
        var package = pki.Sealer().Seal(pki.Bundle, "B86030").Der;
        var signedData = pki.Opener().Open(package).SignedData;
        var verifier = new SignedPackageVerifier(TrustStore.Load(pki.Folder), pki.Time());
        var forged = ReplaceCertificates(signedData, GatewayWithOuterAlgorithm(PkcsObjectIdentifiers.Sha384WithRsaEncryption));

        var refused = Assert.Throws<PackageRefusedException>(() => verifier.Verify(forged));

        Assert.Equal(RefusalReason.UntrustedSigner, refused.Reason);
    }

    private static byte[] ReplaceCertificates(byte[] signedContentInfo, AgencyCertificate certificate)
    {
        var info = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Asn1Object.FromByteArray(signedContentInfo));
        var signed = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(info.Content);
        var certificates = new DerSet(X509CertificateStructure.GetInstance(certificate.Certificate.GetEncoded()));
        var replaced = new Org.BouncyCastle.Asn1.Cms.SignedData(signed.DigestAlgorithms, signed.EncapContentInfo, certificates, signed.CRLs, signed.SignerInfos);
        return new Org.BouncyCastle.Asn1.Cms.ContentInfo(info.ContentType, replaced).GetEncoded(Asn1Encodable.Der);
    }
}
