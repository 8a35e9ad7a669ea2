using System.Security.Cryptography;
using AsnDecoder = System.Formats.Asn1.AsnDecoder;
using AsnEncodingRules = System.Formats.Asn1.AsnEncodingRules;
using AsnTag = System.Formats.Asn1.Asn1Tag;
using AsnWriter = System.Formats.Asn1.AsnWriter;
using TagClass = System.Formats.Asn1.TagClass;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;
using PkcsObjectIdentifiers = Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers;
using RsaesOaepParameters = Org.BouncyCastle.Asn1.Pkcs.RsaesOaepParameters;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Cms;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace ExchangeGateway.Crypto.Tests;

/// <summary>How a hand-made SignedData differs from a good one.</summary>
internal sealed record SignedShape
{
    public string? Recipient { get; init; } = "B86030";
    public DerObjectIdentifier ContentTypeAttribute { get; init; } = CmsObjectIdentifiers.Data;
    public bool UnsignedAttribute { get; init; }
    public int SignerInfos { get; init; } = 1;
    public IReadOnlyList<AgencyCertificate> ExtraCertificates { get; init; } = [];
    public byte[]? SignedContentOverride { get; init; }
    public DateTimeOffset? SigningTime { get; init; }
}

/// <summary>Packages built by hand from BouncyCastle's ASN.1 classes, independently of the sealer, to be good or bad on purpose.</summary>
internal static class Handmade
{
    /// <summary>A DER ContentInfo(SignedData) over <paramref name="content"/>.</summary>
    public static byte[] SignedData(byte[] content, KeyPair signer, SignedShape shape)
    {
        var signed = shape.SignedContentOverride ?? content;
        var attributes = new List<BcAttribute>
        {
            new(CmsAttributes.ContentType, new DerSet(shape.ContentTypeAttribute)),
            new(CmsAttributes.SigningTime, new DerSet(new Org.BouncyCastle.Asn1.Cms.Time((shape.SigningTime ?? DateTimeOffset.UtcNow).UtcDateTime))),
            new(CmsAttributes.MessageDigest, new DerSet(new DerOctetString(SHA256.HashData(signed)))),
            new(PackageOids.MessageId, new DerSet(new DerUtf8String(Guid.NewGuid().ToString()))),
        };
        if (shape.Recipient is not null)
        {
            attributes.Add(new BcAttribute(PackageOids.RecipientAgencyId, new DerSet(new DerUtf8String(shape.Recipient))));
        }

        var set = new DerSet(attributes.ToArray<Asn1Encodable>());
        var toSign = set.GetEncoded(Asn1Encodable.Der);
        var signature = signer.PrivateKey is ECDsa ecdsa
            ? ecdsa.SignData(toSign, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : ((RSA)signer.PrivateKey).SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var algorithm = signer.PrivateKey is ECDsa
            ? new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256)
            : new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance);
        var unsigned = shape.UnsignedAttribute
            ? new DerSet(new BcAttribute(new DerObjectIdentifier("1.2.840.113549.1.9.6"), new DerSet(new DerUtf8String("countersignature-ish"))))
            : null;
        var certificate = signer.Certificate.Certificate;
        var signerInfo = new SignerInfo(
            new SignerIdentifier(new IssuerAndSerialNumber(certificate.IssuerDN, certificate.SerialNumber)),
            new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256),
            set,
            algorithm,
            new DerOctetString(signature),
            unsigned);
        var certificates = new Asn1EncodableVector(certificate.CertificateStructure);
        foreach (var extra in shape.ExtraCertificates)
        {
            certificates.Add(extra.Certificate.CertificateStructure);
        }

        var signerInfos = new Asn1EncodableVector();
        for (var i = 0; i < shape.SignerInfos; i++)
        {
            signerInfos.Add(signerInfo);
        }

        var signedData = new Org.BouncyCastle.Asn1.Cms.SignedData(
            new DerSet(new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256)),
            new ContentInfo(CmsObjectIdentifiers.Data, new DerOctetString(content)),
            new DerSet(certificates),
            null,
            new DLSet(signerInfos));
        return new ContentInfo(CmsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>
    /// A DER ContentInfo(AuthEnvelopedData, AES-256-GCM) of <paramref name="plaintext"/> to one certificate; with
    /// <paramref name="keyTransport"/>, the OAEP identifier written is that one (the key is still OAEP-SHA-256).
    /// </summary>
    public static byte[] AuthEnveloped(byte[] plaintext, AgencyCertificate recipient, bool pkcs1KeyTransport = false, AlgorithmIdentifier? keyTransport = null)
    {
        var (recipientInfo, content, tag) = AuthEnvelopedParts(plaintext, recipient, pkcs1KeyTransport, keyTransport);
        var envelope = new AuthEnvelopedData(null, new DerSet(recipientInfo), content, null, new DerOctetString(tag), null);
        return new ContentInfo(CmsObjectIdentifiers.AuthEnvelopedData, envelope).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>
    /// The same package with definite lengths throughout, but its ciphertext written as a constructed string of two
    /// segments (BER allows it; DER does not).
    /// </summary>
    public static byte[] AuthEnvelopedWithSegmentedCiphertext(byte[] plaintext, AgencyCertificate recipient)
    {
        var (recipientInfo, content, tag) = AuthEnvelopedParts(plaintext, recipient, pkcs1KeyTransport: false, keyTransport: null);
        var ciphertext = content.EncryptedContent.GetOctets();
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(CmsObjectIdentifiers.AuthEnvelopedData.Id);
            using (writer.PushSequence(new AsnTag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                writer.WriteEncodedValue(new DerSet(recipientInfo).GetEncoded(Asn1Encodable.Der));
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(content.ContentType.Id);
                    writer.WriteEncodedValue(content.ContentEncryptionAlgorithm.GetEncoded(Asn1Encodable.Der));
                    using (writer.PushSequence(new AsnTag(TagClass.ContextSpecific, 0, isConstructed: true)))
                    {
                        writer.WriteOctetString(ciphertext.AsSpan(0, ciphertext.Length / 2));
                        writer.WriteOctetString(ciphertext.AsSpan(ciphertext.Length / 2));
                    }
                }

                writer.WriteOctetString(tag);
            }
        }

        return writer.Encode();
    }

    /// <summary>The same encoding with the outer ContentInfo and its [0] written with indefinite lengths (BER, not DER).</summary>
    public static byte[] WithIndefiniteOuterLengths(byte[] der)
    {
        var rules = AsnEncodingRules.DER;
        AsnDecoder.ReadSequence(der, rules, out var offset, out var length, out _);
        var body = der.AsSpan(offset, length);
        AsnDecoder.ReadEncodedValue(body, rules, out _, out _, out var oidLength);
        AsnDecoder.ReadEncodedValue(body[oidLength..], rules, out var innerOffset, out var innerLength, out _);
        var inner = body[oidLength..].Slice(innerOffset, innerLength);
        return [0x30, 0x80, .. body[..oidLength], 0xA0, 0x80, .. inner, 0x00, 0x00, 0x00, 0x00];
    }

    /// <summary>The package with the tag of the first NULL after the RSAES-OAEP identifier (the SHA-256 parameters) changed to <paramref name="tag"/>.</summary>
    public static byte[] WithOaepNullTag(byte[] package, byte tag)
    {
        var oaep = new DerObjectIdentifier(PkcsObjectIdentifiers.IdRsaesOaep.Id).GetEncoded();
        var at = package.AsSpan().IndexOf(oaep);
        Assert.True(at >= 0, "no RSAES-OAEP identifier in the package");
        var nullAt = package.AsSpan(at).IndexOf([(byte)0x05, (byte)0x00]);
        Assert.True(nullAt >= 0, "no NULL after the RSAES-OAEP identifier");
        var changed = (byte[])package.Clone();
        changed[at + nullAt] = tag;
        return changed;
    }

    private static (RecipientInfo RecipientInfo, EncryptedContentInfo Content, byte[] Tag) AuthEnvelopedParts(
        byte[] plaintext, AgencyCertificate recipient, bool pkcs1KeyTransport, AlgorithmIdentifier? keyTransport)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        AlgorithmIdentifier transport;
        byte[] encryptedKey;
        if (pkcs1KeyTransport)
        {
            transport = new AlgorithmIdentifier(PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance);
            encryptedKey = recipient.Rsa!.Encrypt(key, RSAEncryptionPadding.Pkcs1);
        }
        else
        {
            var sha256 = new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance);
            transport = keyTransport ?? new AlgorithmIdentifier(PkcsObjectIdentifiers.IdRsaesOaep, new RsaesOaepParameters(sha256, new AlgorithmIdentifier(PkcsObjectIdentifiers.IdMgf1, sha256)));
            encryptedKey = recipient.Rsa!.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
        }

        var certificate = recipient.Certificate;
        var recipientInfo = new RecipientInfo(new KeyTransRecipientInfo(
            new RecipientIdentifier(new IssuerAndSerialNumber(certificate.IssuerDN, certificate.SerialNumber)), transport, new DerOctetString(encryptedKey)));
        var content = new EncryptedContentInfo(
            CmsObjectIdentifiers.Data,
            new AlgorithmIdentifier(NistObjectIdentifiers.IdAes256Gcm, new GcmParameters(nonce, 16)),
            new DerOctetString(ciphertext));
        return (recipientInfo, content, tag);
    }

    /// <summary>A classic EnvelopedData with AES-256-CBC, made by BouncyCastle's generator, in DER (the generator writes BER).</summary>
    public static byte[] EnvelopedCbc(byte[] plaintext, AgencyCertificate recipient)
    {
        var generator = new CmsEnvelopedDataGenerator();
        generator.AddKeyTransRecipient(recipient.Certificate);
        return generator.Generate(new CmsProcessableByteArray(plaintext), NistObjectIdentifiers.IdAes256Cbc).ContentInfo.GetEncoded(Asn1Encodable.Der);
    }
}
