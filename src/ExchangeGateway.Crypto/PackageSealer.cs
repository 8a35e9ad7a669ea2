using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X509;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace ExchangeGateway.Crypto;

/// <summary>A sealed package: its DER bytes and what it was sealed as.</summary>
public sealed record SealedPackage(byte[] Der, string MessageId, string RecipientAgencyId, AgencyCertificate RecipientCertificate, DateTimeOffset SigningTime);

/// <summary>
/// Seals a bundle for one agency: signs it (CMS SignedData, RFC 5652, by the gateway, with signed content-type,
/// message-digest, signing-time, recipient agency id and message id attributes) and then encrypts the signed
/// document (AuthEnvelopedData, RFC 5083, AES-256-GCM per RFC 5084, the key sent by RSAES-OAEP-SHA-256 to the
/// agency's newest valid certificate). BouncyCastle builds the ASN.1; .NET's primitives (OpenSSL) do the cryptography.
/// One sealer per thread: .NET key objects make no promise about concurrent use.
/// </summary>
public sealed class PackageSealer
{
    /// <summary>The largest bundle sealed.</summary>
    public const int MaxBundleBytes = 16 * 1024 * 1024;

    private readonly KeyPair signer;
    private readonly TrustStore trust;
    private readonly TimeProvider time;
    private readonly SignerIdentifier signerId;
    private readonly AlgorithmIdentifier signatureAlgorithm;
    private readonly Asn1Set certificates;
    private readonly Asn1Set digestAlgorithms;

    /// <summary>A sealer signing with <paramref name="signer"/>, sealing to certificates from <paramref name="trust"/>.</summary>
    public PackageSealer(KeyPair signer, TrustStore trust, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(time);
        this.signer = signer;
        this.trust = trust;
        this.time = time;
        var certificate = signer.Certificate.Certificate;
        signerId = new SignerIdentifier(new IssuerAndSerialNumber(certificate.IssuerDN, certificate.SerialNumber));
        signatureAlgorithm = signer.PrivateKey switch
        {
            ECDsa => CmsProfile.EcdsaWithSha256,
            RSA => CmsProfile.Sha256WithRsa,
            _ => throw new SealingException("the signing key must be ECDSA or RSA"),
        };
        certificates = new DerSet(certificate.CertificateStructure);
        digestAlgorithms = new DerSet(CmsProfile.Sha256);
    }

    /// <summary>Seals <paramref name="bundle"/> for <paramref name="recipientAgencyId"/> under a new message id.</summary>
    public SealedPackage Seal(ReadOnlySpan<byte> bundle, string recipientAgencyId) =>
        Seal(bundle, recipientAgencyId, Guid.CreateVersion7().ToString());

    /// <summary>Seals <paramref name="bundle"/> for <paramref name="recipientAgencyId"/> under the given message id.</summary>
    public SealedPackage Seal(ReadOnlySpan<byte> bundle, string recipientAgencyId, string messageId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipientAgencyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        if (bundle.Length > MaxBundleBytes)
        {
            throw new SealingException($"the bundle is {bundle.Length} bytes; the limit is {MaxBundleBytes}");
        }

        var now = time.GetUtcNow();
        var recipient = trust.RecipientCertificate(recipientAgencyId, now);

        var signingTime = SigningTime(now);
        var signed = Sign(bundle.ToArray(), recipientAgencyId, messageId, signingTime);
        return new SealedPackage(Envelope(signed, recipient), messageId, recipientAgencyId, recipient, signingTime);
    }

    /// <summary>
    /// Signs without encrypting: CMS SignedData naming <paramref name="recipientAgencyId"/> and a new message id. For a
    /// document the gateway itself must read, e.g. an agency's answer sent through MESH, where MESH vouches for the
    /// mailbox and this signature for the author.
    /// </summary>
    public byte[] SignOnly(byte[] content, string recipientAgencyId)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(recipientAgencyId);
        return Sign(content, recipientAgencyId, Guid.CreateVersion7().ToString(), SigningTime(time.GetUtcNow()));
    }

    // UTCTime holds whole seconds; sign exactly what will be read back.
    private static DateTimeOffset SigningTime(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>The DER ContentInfo of the SignedData over the bundle.</summary>
    internal byte[] Sign(byte[] bundle, string recipientAgencyId, string messageId, DateTimeOffset signingTime)
    {
        var attributes = new DerSet(
            new BcAttribute(CmsAttributes.ContentType, new DerSet(CmsObjectIdentifiers.Data)),
            new BcAttribute(CmsAttributes.SigningTime, new DerSet(new Org.BouncyCastle.Asn1.Cms.Time(signingTime.UtcDateTime))),
            new BcAttribute(CmsAttributes.MessageDigest, new DerSet(new DerOctetString(SHA256.HashData(bundle)))),
            new BcAttribute(PackageOids.RecipientAgencyId, new DerSet(new DerUtf8String(recipientAgencyId))),
            new BcAttribute(PackageOids.MessageId, new DerSet(new DerUtf8String(messageId))));

        // The signature covers the DER SET OF the attributes (RFC 5652 section 5.4), not the [0] IMPLICIT form in SignerInfo.
        var toSign = attributes.GetEncoded(Asn1Encodable.Der);
        var signature = signer.PrivateKey is ECDsa ecdsa
            ? ecdsa.SignData(toSign, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : ((RSA)signer.PrivateKey).SignData(toSign, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var signerInfo = new SignerInfo(signerId, CmsProfile.Sha256, attributes, signatureAlgorithm, new DerOctetString(signature), (Asn1Set?)null);
        var signedData = new SignedData(
            digestAlgorithms,
            new ContentInfo(CmsObjectIdentifiers.Data, new DerOctetString(bundle)),
            certificates,
            null,
            new DerSet(signerInfo));
        return new ContentInfo(CmsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>
    /// The DER ContentInfo of an AuthEnvelopedData carrying <paramref name="signedContentInfo"/> to one certificate.
    /// The encrypted content is the whole signed ContentInfo under id-data, as S/MIME nests it, so that
    /// <c>openssl cms -decrypt | openssl cms -verify</c> reads it.
    /// </summary>
    internal static byte[] Envelope(byte[] signedContentInfo, AgencyCertificate recipient)
    {
        var rsa = recipient.Rsa ?? throw new SealingException($"{recipient.Subject}: not an RSA key");
        Span<byte> contentKey = stackalloc byte[CmsProfile.ContentKeyBytes];
        RandomNumberGenerator.Fill(contentKey);
        var nonce = RandomNumberGenerator.GetBytes(CmsProfile.NonceBytes);
        var ciphertext = new byte[signedContentInfo.Length];
        var tag = new byte[CmsProfile.TagBytes];
        byte[] encryptedKey;
        try
        {
            using (var gcm = new AesGcm(contentKey, CmsProfile.TagBytes))
            {
                // No authAttrs, so the additional authenticated data is empty (RFC 5083 section 2.2).
                gcm.Encrypt(nonce, signedContentInfo, ciphertext, tag);
            }

            encryptedKey = rsa.Encrypt(contentKey, RSAEncryptionPadding.OaepSHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(contentKey);
        }

        var certificate = recipient.Certificate;
        var recipientInfo = new RecipientInfo(new KeyTransRecipientInfo(
            new RecipientIdentifier(new IssuerAndSerialNumber(certificate.IssuerDN, certificate.SerialNumber)),
            CmsProfile.RsaOaepSha256,
            new DerOctetString(encryptedKey)));
        var encryptedContent = new EncryptedContentInfo(
            CmsObjectIdentifiers.Data,
            new AlgorithmIdentifier(NistObjectIdentifiers.IdAes256Gcm, new GcmParameters(nonce, CmsProfile.TagBytes)),
            new DerOctetString(ciphertext));
        var envelope = new AuthEnvelopedData(null, new DerSet(recipientInfo), encryptedContent, null, new DerOctetString(tag), null);
        return new ContentInfo(CmsObjectIdentifiers.AuthEnvelopedData, envelope).GetEncoded(Asn1Encodable.Der);
    }
}
