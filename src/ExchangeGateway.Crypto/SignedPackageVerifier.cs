using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace ExchangeGateway.Crypto;

/// <summary>What a verified SignedData says: the exact content, who signed it, when, and for whom.</summary>
public sealed record VerifiedContent(
    byte[] Content,
    AgencyCertificate Signer,
    DateTimeOffset SigningTime,
    string? RecipientAgencyId,
    string? MessageId,
    byte[] SignedData);

/// <summary>
/// Verifies a CMS SignedData (RFC 5652) against the strict profile: one SignerInfo, signed attributes with a
/// content-type equal to the eContentType (id-data) and a matching message-digest, a signing-time, no unsigned
/// attributes, allowed algorithms, and a signer certificate that chains to the trust store's CA, is valid at
/// signing time and now, allows digitalSignature and is not revoked. Fails closed: any doubt is a refusal.
/// </summary>
public sealed class SignedPackageVerifier
{
    /// <summary>How far in the future a signing time may be before it is refused (clock skew between hosts).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The largest signed document read.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    private readonly TrustStore trust;
    private readonly TimeProvider time;

    /// <summary>A verifier trusting <paramref name="trust"/>, telling the time by <paramref name="time"/>.</summary>
    public SignedPackageVerifier(TrustStore trust, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(time);
        this.trust = trust;
        this.time = time;
    }

    /// <summary>Verifies a DER ContentInfo holding a SignedData; throws <see cref="PackageRefusedException"/> when refused.</summary>
    public VerifiedContent Verify(ReadOnlySpan<byte> contentInfo)
    {
        if (contentInfo.Length > MaxBytes)
        {
            throw Refuse(RefusalReason.Malformed, $"the document is {contentInfo.Length} bytes; the limit is {MaxBytes}");
        }

        var bytes = contentInfo.ToArray();
        var signedData = ReadSignedContentInfo(bytes, "the document");
        return Verify(signedData, bytes);
    }

    /// <summary>Verifies a parsed SignedData whose encoding was <paramref name="encoded"/>.</summary>
    internal VerifiedContent Verify(SignedData signedData, byte[] encoded)
    {
        var now = time.GetUtcNow();
        var (content, signerInfo, attributes) = Parse(() => ReadStructure(signedData));

        var digestAlgorithm = CmsProfile.AllowedDigest(signerInfo.DigestAlgorithm.Algorithm)
            ?? throw Refuse(RefusalReason.DisallowedAlgorithm, $"digest algorithm {signerInfo.DigestAlgorithm.Algorithm.Id} is not allowed");
        var signature = CmsProfile.AllowedSignature(signerInfo.SignatureAlgorithm.Algorithm)
            ?? throw Refuse(RefusalReason.DisallowedAlgorithm, $"signature algorithm {signerInfo.SignatureAlgorithm.Algorithm.Id} is not allowed");
        if (signature.Hash is { } signatureHash && signatureHash != digestAlgorithm)
        {
            throw Refuse(RefusalReason.DisallowedAlgorithm, "the signature algorithm's hash differs from the digest algorithm");
        }

        var messageDigest = Parse(() => Asn1OctetString.GetInstance(SingleValue(attributes, CmsAttributes.MessageDigest, required: true)).GetOctets());
        if (!CryptographicOperations.FixedTimeEquals(HashData(digestAlgorithm, content), messageDigest))
        {
            throw Refuse(RefusalReason.Tampered, "the content does not match its signed message-digest");
        }

        var packageCertificates = Parse(() => ReadCertificates(signedData));
        // Parse: a signer identifier of the wrong ASN.1 type throws from inside BouncyCastle while it is compared.
        var signer = Parse(() => packageCertificates.FirstOrDefault(c => c.IsNamedBy(signerInfo.SignerID.ID))
            ?? trust.AgencyCertificates.FirstOrDefault(c => c.IsNamedBy(signerInfo.SignerID.ID))
            ?? throw Refuse(RefusalReason.UntrustedSigner, "the signer's certificate is neither in the package nor in the trust store"));
        if (signer.KeyAlgorithm != signature.Key)
        {
            throw Refuse(RefusalReason.DisallowedAlgorithm, $"signature algorithm {signerInfo.SignatureAlgorithm.Algorithm.Id} does not fit the signer's key");
        }

        var signedAttributes = signerInfo.SignedAttrs.GetEncoded(Asn1Encodable.Der);
        if (!VerifySignature(signer, signedAttributes, signerInfo.Signature.GetOctets(), digestAlgorithm))
        {
            throw Refuse(RefusalReason.Tampered, "the signature does not verify");
        }

        var signingTime = Parse(() => new DateTimeOffset(DateTime.SpecifyKind(
            Org.BouncyCastle.Asn1.Cms.Time.GetInstance(SingleValue(attributes, CmsAttributes.SigningTime, required: true)).ToDateTime(), DateTimeKind.Utc)));
        if (signingTime > now + MaxClockSkew)
        {
            throw Refuse(RefusalReason.NotYetValid, $"the signing time {signingTime:u} is in the future");
        }

        var refusal = trust.Check(signer, packageCertificates, [signingTime, now], now, KeyUsages.DigitalSignature);
        if (refusal is not null)
        {
            throw new PackageRefusedException(refusal);
        }

        var recipient = Parse(() => Utf8Value(attributes, PackageOids.RecipientAgencyId));
        var messageId = Parse(() => Utf8Value(attributes, PackageOids.MessageId));
        return new VerifiedContent(content, signer, signingTime, recipient, messageId, encoded);
    }

    /// <summary>Reads a DER ContentInfo holding a SignedData, refusing any other encoding of it.</summary>
    internal static SignedData ReadSignedContentInfo(byte[] encoded, string what)
    {
        if (encoded.Length == 0)
        {
            throw Refuse(RefusalReason.Malformed, $"{what} has no bytes");
        }

        StrictDer.Require(encoded, what);
        return Parse(() =>
        {
            var info = ContentInfo.GetInstance(Asn1Object.FromByteArray(encoded));
            if (!info.ContentType.Equals(CmsObjectIdentifiers.SignedData))
            {
                throw Refuse(RefusalReason.Malformed, $"{what} is not signed (content type {info.ContentType.Id})");
            }

            var signedData = SignedData.GetInstance(info.Content);
            StrictDer.RequireReencodes(new ContentInfo(CmsObjectIdentifiers.SignedData, signedData), encoded, what);
            return signedData;
        });
    }

    /// <summary>Reads a DER SignedData without its ContentInfo, refusing any other encoding of it.</summary>
    internal static SignedData ReadBareSignedData(byte[] encoded)
    {
        if (encoded.Length == 0)
        {
            throw Refuse(RefusalReason.Malformed, "the encrypted content has no bytes");
        }

        StrictDer.Require(encoded, "the encrypted content");
        return Parse(() =>
        {
            var signedData = SignedData.GetInstance(Asn1Object.FromByteArray(encoded));
            StrictDer.RequireReencodes(signedData, encoded, "the encrypted content");
            return signedData;
        });
    }

    internal static PackageRefusedException Refuse(RefusalReason reason, string message) => new(reason, message);

    /// <summary>Runs a parsing step; any failure of the structure, other than a refusal, is Malformed.</summary>
    internal static T Parse<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception ex) when (ex is not PackageRefusedException and not OutOfMemoryException)
        {
            throw Refuse(RefusalReason.Malformed, $"not a well-formed package: {ex.Message}");
        }
    }

    private static (byte[] Content, SignerInfo Signer, Dictionary<string, BcAttribute> Attributes) ReadStructure(SignedData signedData)
    {
        var encapsulated = signedData.EncapContentInfo;
        if (!encapsulated.ContentType.Equals(CmsObjectIdentifiers.Data))
        {
            throw Refuse(RefusalReason.Malformed, $"the signed content type must be id-data, not {encapsulated.ContentType.Id}");
        }

        if (encapsulated.Content is null)
        {
            throw Refuse(RefusalReason.Malformed, "the signed content is detached; it must be inside the SignedData");
        }

        var content = Asn1OctetString.GetInstance(encapsulated.Content).GetOctets();
        if (signedData.SignerInfos.Count != 1)
        {
            throw Refuse(RefusalReason.Malformed, $"exactly one SignerInfo is allowed; there are {signedData.SignerInfos.Count}");
        }

        var signerInfo = SignerInfo.GetInstance(signedData.SignerInfos[0]);
        if (signerInfo.SignedAttrs is null)
        {
            throw Refuse(RefusalReason.Malformed, "signed attributes are required");
        }

        if (signerInfo.UnsignedAttrs is not null)
        {
            throw Refuse(RefusalReason.Malformed, "unsigned attributes are not allowed");
        }

        var attributes = new Dictionary<string, BcAttribute>(StringComparer.Ordinal);
        foreach (var element in signerInfo.SignedAttrs)
        {
            var attribute = BcAttribute.GetInstance(element);
            if (!attributes.TryAdd(attribute.AttrType.Id, attribute))
            {
                throw Refuse(RefusalReason.Malformed, $"signed attribute {attribute.AttrType.Id} occurs twice");
            }
        }

        var contentType = DerObjectIdentifier.GetInstance(SingleValue(attributes, CmsAttributes.ContentType, required: true));
        if (!contentType.Equals(encapsulated.ContentType))
        {
            throw Refuse(RefusalReason.Malformed, $"the content-type attribute ({contentType.Id}) differs from the signed content type ({encapsulated.ContentType.Id})");
        }

        return (content, signerInfo, attributes);
    }

    private static Asn1Encodable? SingleValue(Dictionary<string, BcAttribute> attributes, DerObjectIdentifier type, bool required)
    {
        if (!attributes.TryGetValue(type.Id, out var attribute))
        {
            return required ? throw Refuse(RefusalReason.Malformed, $"signed attribute {type.Id} is missing") : null;
        }

        if (attribute.AttrValues.Count != 1)
        {
            throw Refuse(RefusalReason.Malformed, $"signed attribute {type.Id} must have exactly one value");
        }

        return attribute.AttrValues[0];
    }

    private static string? Utf8Value(Dictionary<string, BcAttribute> attributes, DerObjectIdentifier type) =>
        SingleValue(attributes, type, required: false) is { } value ? DerUtf8String.GetInstance(value).GetString() : null;

    private static List<AgencyCertificate> ReadCertificates(SignedData signedData)
    {
        var certificates = new List<AgencyCertificate>();
        if (signedData.Certificates is null)
        {
            return certificates;
        }

        foreach (var element in signedData.Certificates)
        {
            // Other certificate formats (attribute certificates, tagged choices) are not used by the profile; skip them.
            if (element.ToAsn1Object() is Asn1Sequence sequence)
            {
                certificates.Add(new AgencyCertificate(new Org.BouncyCastle.X509.X509Certificate(X509CertificateStructure.GetInstance(sequence))));
            }
        }

        return certificates;
    }

    private static byte[] HashData(HashAlgorithmName name, byte[] data) =>
        name == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : name == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : SHA256.HashData(data);

    private static bool VerifySignature(AgencyCertificate signer, byte[] signedAttributes, byte[] signature, HashAlgorithmName hash)
    {
        try
        {
            return signer.KeyAlgorithm == CertificateKeyAlgorithm.Rsa
                ? signer.Rsa!.VerifyData(signedAttributes, signature, hash, RSASignaturePadding.Pkcs1)
                : signer.ECDsa!.VerifyData(signedAttributes, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception ex) when (ex is CryptographicException or PlatformNotSupportedException)
        {
            // PlatformNotSupportedException: .NET cannot import the certificate's key at all (an unknown curve, a broken point).
            return false;
        }
    }
}
