using Org.BouncyCastle.Asn1.Cms;

namespace ExchangeGateway.Crypto.Tests;

[Collection(PkiCollection.Name)]
public sealed class PackageTests(PkiFixture pki)
{
    private static RefusalReason RefusedBecause(PackageOpener opener, byte[] package) =>
        Assert.Throws<PackageRefusedException>(() => opener.Open(package)).Reason;

    private byte[] SealedForB86030() => pki.Sealer().Seal(pki.Bundle, "B86030").Der;

    private byte[] HandmadeFor(KeyPair signer, SignedShape shape, AgencyCertificate? to = null) =>
        Handmade.AuthEnveloped(Handmade.SignedData(pki.Bundle, signer, shape), to ?? pki.B86030.Certificate);

    [Fact]
    public void A_sealed_bundle_opens_byte_for_byte_with_who_signed_it_and_for_whom()
    {
        var sealedPackage = pki.Sealer().Seal(pki.Bundle, "B86030");

        var opened = pki.Opener().Open(sealedPackage.Der);

        Assert.Equal(pki.Bundle, opened.Content);
        Assert.Equal("gateway", opened.Signer.AgencyId);
        Assert.Equal("B86030", opened.RecipientAgencyId);
        Assert.Equal(sealedPackage.MessageId, opened.MessageId);
        Assert.Equal(sealedPackage.SigningTime, opened.SigningTime);
    }

    [Fact]
    public void The_signed_document_inside_verifies_on_its_own()
    {
        var opened = pki.Opener().Open(SealedForB86030());

        var verified = new SignedPackageVerifier(TrustStore.Load(pki.Folder), pki.Time()).Verify(opened.SignedData);

        Assert.Equal(pki.Bundle, verified.Content);
        Assert.Equal("B86030", verified.RecipientAgencyId);
    }

    [Fact]
    public void A_flipped_byte_in_the_ciphertext_is_refused_as_cannot_decrypt()
    {
        var package = SealedForB86030();
        package[package.Length / 2] ^= 0x01;

        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener().Open(package));

        Assert.Equal(RefusalReason.CannotDecrypt, refusal.Reason);
        Assert.Equal("cannot decrypt", refusal.Refusal.Message);
    }

    [Fact]
    public void A_flipped_byte_anywhere_never_opens()
    {
        var package = SealedForB86030();
        var opener = pki.Opener();

        for (var i = 0; i < package.Length; i += i < 700 ? 1 : 97)
        {
            var bad = (byte[])package.Clone();
            bad[i] ^= 0x20;
            Assert.False(opener.TryOpen(bad, out _, out var refusal), $"byte {i} flipped still opened");
            Assert.Contains(refusal!.Reason, new[] { RefusalReason.CannotDecrypt, RefusalReason.Malformed, RefusalReason.NotDer, RefusalReason.DisallowedAlgorithm });
        }
    }

    [Fact]
    public void Trailing_bytes_after_the_package_are_refused_as_malformed()
    {
        byte[] package = [.. SealedForB86030(), 0x00];

        Assert.Equal(RefusalReason.Malformed, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void A_package_for_B86030_cannot_be_decrypted_by_B82005()
    {
        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener("B82005").Open(SealedForB86030()));

        Assert.Equal(RefusalReason.CannotDecrypt, refusal.Reason);
        Assert.Equal("cannot decrypt", refusal.Refusal.Message);
    }

    [Fact]
    public void A_signed_document_for_B86030_re_encrypted_to_B82005_is_refused_as_not_addressed_to_you()
    {
        // B86030 opens its package and forwards the signed document inside, re-encrypted, to B82005.
        var signed = pki.Opener().Open(SealedForB86030()).SignedData;
        var forwarded = PackageSealer.Envelope(signed, pki.B82005.Certificate);

        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener("B82005").Open(forwarded));

        Assert.Equal(RefusalReason.NotAddressedToYou, refusal.Reason);
        Assert.Contains("B86030", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_naming_no_recipient_is_refused_unless_unbound_packages_are_allowed()
    {
        var package = HandmadeFor(pki.Gateway, new SignedShape { Recipient = null });

        Assert.Equal(RefusalReason.NotAddressedToYou, RefusedBecause(pki.Opener(), package));
        var opened = pki.Opener(allowUnbound: true).Open(package);
        Assert.Equal(pki.Bundle, opened.Content);
        Assert.False(opened.IsBoundToRecipient);
    }

    [Fact]
    public void Allowing_unbound_packages_still_refuses_one_signed_for_someone_else()
    {
        var package = HandmadeFor(pki.Gateway, new SignedShape { Recipient = "B82005" });

        Assert.Equal(RefusalReason.NotAddressedToYou, RefusedBecause(pki.Opener(allowUnbound: true), package));
    }

    [Fact]
    public void A_hand_made_package_of_the_profile_opens()
    {
        var opened = pki.Opener().Open(HandmadeFor(pki.Gateway, new SignedShape()));

        Assert.Equal(pki.Bundle, opened.Content);
    }

    [Fact]
    public void Content_changed_under_its_signature_is_refused_as_tampered()
    {
        var other = (byte[])pki.Bundle.Clone();
        other[100] ^= 0x01;
        var package = HandmadeFor(pki.Gateway, new SignedShape { SignedContentOverride = other });

        Assert.Equal(RefusalReason.Tampered, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void A_flipped_byte_in_the_signature_is_refused_as_tampered()
    {
        var signed = pki.Opener().Open(SealedForB86030()).SignedData;
        var signerInfo = SignedData.GetInstance(ContentInfo.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(signed)).Content).SignerInfos[0].GetEncoded();
        var at = signed.AsSpan().IndexOf(signerInfo) + signerInfo.Length - 5;
        signed[at] ^= 0x01;

        Assert.Equal(RefusalReason.Tampered, RefusedBecause(pki.Opener(), PackageSealer.Envelope(signed, pki.B86030.Certificate)));
    }

    [Fact]
    public void A_signer_from_an_untrusted_CA_is_refused_even_with_that_CA_inside_the_package()
    {
        var rogue = DevelopmentPki.CreateAuthority("Test CA", pki.Now.AddDays(-1), pki.Now.AddYears(1), DevelopmentKeyType.EcdsaP256);
        var signer = pki.Signer(p => p, rogue);

        var package = HandmadeFor(signer, new SignedShape { ExtraCertificates = [rogue.Certificate] });

        Assert.Equal(RefusalReason.UntrustedSigner, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void An_expired_signer_is_refused()
    {
        var signer = pki.Signer(p => p with { NotBefore = pki.Now.AddDays(-20), NotAfter = pki.Now.AddDays(-1) });

        Assert.Equal(RefusalReason.Expired, RefusedBecause(pki.Opener(), pki.Sealer(signer).Seal(pki.Bundle, "B86030").Der));
    }

    [Fact]
    public void A_signer_that_expired_after_signing_is_refused_now()
    {
        var signer = pki.Signer(p => p with { NotBefore = pki.Now.AddDays(-20), NotAfter = pki.Now.AddDays(1) });
        var package = pki.Sealer(signer).Seal(pki.Bundle, "B86030").Der;
        var later = new PackageOpener(RecipientIdentity.Load(pki.Folder, "B86030"), TrustStore.Load(pki.Folder), new FixedTime(pki.Now.AddDays(2)));

        Assert.Equal(RefusalReason.Expired, RefusedBecause(later, package));
    }

    [Fact]
    public void A_signer_not_yet_valid_is_refused()
    {
        var signer = pki.Signer(p => p with { NotBefore = pki.Now.AddDays(1), NotAfter = pki.Now.AddDays(30) });

        Assert.Equal(RefusalReason.NotYetValid, RefusedBecause(pki.Opener(), pki.Sealer(signer).Seal(pki.Bundle, "B86030").Der));
    }

    [Fact]
    public void A_signing_time_in_the_future_is_refused_as_not_yet_valid()
    {
        var package = HandmadeFor(pki.Gateway, new SignedShape { SigningTime = pki.Now.AddHours(1) });

        Assert.Equal(RefusalReason.NotYetValid, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void A_signer_revoked_by_the_CRL_is_refused()
    {
        using var folder = pki.CopyFolder();
        pki.WriteCrl(folder, [pki.Gateway.Certificate.Certificate.SerialNumber], pki.Now.AddHours(-1), pki.Now.AddDays(7));
        var package = SealedForB86030();

        Assert.Equal(RefusalReason.Revoked, RefusedBecause(pki.Opener(folderPath: folder.Path), package));
    }

    [Fact]
    public void A_CRL_past_its_next_update_refuses_rather_than_being_skipped()
    {
        using var folder = pki.CopyFolder();
        pki.WriteCrl(folder, [], pki.Now.AddDays(-10), pki.Now.AddDays(-1));
        var package = SealedForB86030();

        Assert.Equal(RefusalReason.StaleCrl, RefusedBecause(pki.Opener(folderPath: folder.Path), package));
    }

    [Fact]
    public void A_missing_CRL_refuses_rather_than_being_skipped()
    {
        using var folder = pki.CopyFolder();
        File.Delete(folder.File("ca.crl"));
        var package = SealedForB86030();

        Assert.Equal(RefusalReason.StaleCrl, RefusedBecause(pki.Opener(folderPath: folder.Path), package));
    }

    [Fact]
    public void A_CRL_not_signed_by_the_CA_does_not_count()
    {
        using var folder = pki.CopyFolder();
        var impostor = DevelopmentPki.CreateAuthority("Test CA", pki.Now.AddDays(-1), pki.Now.AddYears(1), DevelopmentKeyType.EcdsaP256);
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(impostor, [], pki.Now.AddHours(-1), pki.Now.AddDays(7)), folder.File("ca.crl"));

        Assert.Equal(RefusalReason.StaleCrl, RefusedBecause(pki.Opener(folderPath: folder.Path), SealedForB86030()));
    }

    [Fact]
    public void A_signing_certificate_without_digital_signature_is_refused()
    {
        var signer = pki.Signer(p => p with { KeyUsages = KeyUsages.KeyAgreement });

        Assert.Equal(RefusalReason.WrongKeyUsage, RefusedBecause(pki.Opener(), pki.Sealer(signer).Seal(pki.Bundle, "B86030").Der));
    }

    [Fact]
    public void A_second_signer_info_is_refused()
    {
        var package = HandmadeFor(pki.Gateway, new SignedShape { SignerInfos = 2 });

        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener().Open(package));

        Assert.Equal(RefusalReason.Malformed, refusal.Reason);
        Assert.Contains("exactly one SignerInfo", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsigned_attribute_is_refused()
    {
        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener().Open(HandmadeFor(pki.Gateway, new SignedShape { UnsignedAttribute = true })));

        Assert.Equal(RefusalReason.Malformed, refusal.Reason);
        Assert.Contains("unsigned attributes", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_content_type_attribute_that_differs_from_the_signed_content_type_is_refused()
    {
        var package = HandmadeFor(pki.Gateway, new SignedShape { ContentTypeAttribute = CmsObjectIdentifiers.SignedData });

        var refusal = Assert.Throws<PackageRefusedException>(() => pki.Opener().Open(package));

        Assert.Equal(RefusalReason.Malformed, refusal.Reason);
        Assert.Contains("content-type attribute", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PKCS1_v1_5_key_transport_is_refused_as_a_disallowed_algorithm()
    {
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        var package = Handmade.AuthEnveloped(signed, pki.B86030.Certificate, pkcs1KeyTransport: true);

        Assert.Equal(RefusalReason.DisallowedAlgorithm, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void AES_CBC_enveloped_data_is_refused_as_a_disallowed_algorithm()
    {
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());
        var package = Handmade.EnvelopedCbc(signed, pki.B86030.Certificate);

        Assert.Equal(RefusalReason.DisallowedAlgorithm, RefusedBecause(pki.Opener(), package));
    }

    [Fact]
    public void A_bare_signed_document_given_as_a_package_is_refused_as_malformed()
    {
        var signed = Handmade.SignedData(pki.Bundle, pki.Gateway, new SignedShape());

        Assert.Equal(RefusalReason.Malformed, RefusedBecause(pki.Opener(), signed));
    }

    [Fact]
    public void Sealing_to_an_agency_with_no_certificate_is_refused()
    {
        var ex = Assert.Throws<SealingException>(() => pki.Sealer().Seal(pki.Bundle, "NOWHERE"));

        Assert.Contains("NOWHERE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sealing_to_a_revoked_recipient_certificate_is_refused()
    {
        using var folder = pki.CopyFolder();
        pki.WriteCrl(folder, [pki.B86030.Certificate.Certificate.SerialNumber], pki.Now.AddHours(-1), pki.Now.AddDays(7));

        Assert.Throws<SealingException>(() => pki.Sealer(folderPath: folder.Path).Seal(pki.Bundle, "B86030"));
    }

    [Fact]
    public void Sealing_to_an_expired_recipient_certificate_is_refused_naming_the_agency_and_the_expiry()
    {
        using var folder = pki.CopyFolder();
        var expired = DevelopmentPki.Issue(pki.Ca, new CertificateProfile("B86030", AgencyType.GpPractice) { NotBefore = pki.Now.AddDays(-20), NotAfter = pki.Now.AddSeconds(-1) }, pki.Time());
        DevelopmentPki.Write(expired, folder.File("B86030.crt"), folder.File("B86030.key"));

        var ex = Assert.Throws<SealingException>(() => pki.Sealer(folderPath: folder.Path).Seal(pki.Bundle, "B86030"));

        Assert.StartsWith("no usable certificate for agency B86030 (", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void During_a_rotation_packages_are_sealed_to_the_newest_certificate_and_either_key_opens_its_own()
    {
        using var folder = pki.CopyFolder();
        var oldPackage = pki.Sealer(folderPath: folder.Path).Seal(pki.Bundle, "B86030");
        var rotated = DevelopmentPki.Issue(pki.Ca, new CertificateProfile("B86030", AgencyType.GpPractice) { NotBefore = pki.Now.AddHours(-1) }, pki.Time());
        DevelopmentPki.Write(rotated, folder.File("B86030.2.crt"), folder.File("B86030.2.key"));

        var newPackage = pki.Sealer(folderPath: folder.Path).Seal(pki.Bundle, "B86030");

        Assert.Equal(rotated.Certificate.Fingerprint, newPackage.RecipientCertificate.Fingerprint);
        Assert.Equal(pki.B86030.Certificate.Fingerprint, oldPackage.RecipientCertificate.Fingerprint);
        var opener = pki.Opener(folderPath: folder.Path);
        Assert.Equal(pki.Bundle, opener.Open(oldPackage.Der).Content);
        Assert.Equal(rotated.Certificate.Fingerprint, opener.Open(newPackage.Der).DecryptedWith.Fingerprint);
        Assert.Equal(RefusalReason.CannotDecrypt, RefusedBecause(pki.Opener(), newPackage.Der));
    }

    [Fact]
    public void A_rotated_in_certificate_that_is_not_yet_valid_is_not_sealed_to()
    {
        using var folder = pki.CopyFolder();
        var future = DevelopmentPki.Issue(pki.Ca, new CertificateProfile("B86030", AgencyType.GpPractice) { NotBefore = pki.Now.AddDays(1) }, pki.Time());
        DevelopmentPki.Write(future, folder.File("B86030.2.crt"), folder.File("B86030.2.key"));

        var sealedPackage = pki.Sealer(folderPath: folder.Path).Seal(pki.Bundle, "B86030");

        Assert.Equal(pki.B86030.Certificate.Fingerprint, sealedPackage.RecipientCertificate.Fingerprint);
    }
}
