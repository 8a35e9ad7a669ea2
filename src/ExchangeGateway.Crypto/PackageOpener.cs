using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;

namespace ExchangeGateway.Crypto;

/// <summary>How strictly a package must be bound to its addressee.</summary>
public sealed record PackageOpenerOptions
{
    /// <summary>
    /// Accept a package whose signature carries no recipient agency id attribute (one made by other tools, such as
    /// <c>openssl cms -sign</c>). Off by default: such a package can be re-encrypted to anyone (surreptitious
    /// forwarding). A package that does name a recipient must name this agency, whatever this says.
    /// </summary>
    public bool AllowUnboundRecipient { get; init; }
}

/// <summary>An opened package: the bundle exactly as sealed, and what its signature said.</summary>
public sealed record OpenedPackage(
    byte[] Content,
    AgencyCertificate Signer,
    DateTimeOffset SigningTime,
    string? RecipientAgencyId,
    string? MessageId,
    byte[] SignedData,
    AgencyCertificate DecryptedWith)
{
    /// <summary>True when the signature names this package's addressee.</summary>
    public bool IsBoundToRecipient => RecipientAgencyId is not null;
}

/// <summary>
/// Opens a sealed package: decrypts (AuthEnvelopedData with AES-GCM only, RSAES-OAEP-SHA-256 key transport only)
/// with any of the agency's keys, then verifies the signature (<see cref="SignedPackageVerifier"/>) and that it
/// names this agency. Reads DER only, the signed document inside too (<see cref="StrictDer"/>). Fails closed; every
/// decryption failure reads alike ("cannot decrypt"). One opener per thread.
/// </summary>
public sealed class PackageOpener
{
    /// <summary>The agency id the hub's certificate names (certs/gateway.crt): the only signer of the packages agencies receive.</summary>
    public const string GatewayAgencyId = "gateway";

    /// <summary>The largest package read.</summary>
    public const int MaxPackageBytes = 64 * 1024 * 1024;

    private readonly RecipientIdentity identity;
    private readonly SignedPackageVerifier verifier;
    private readonly PackageOpenerOptions options;

    /// <summary>An opener for <paramref name="identity"/>, trusting <paramref name="trust"/>.</summary>
    public PackageOpener(RecipientIdentity identity, TrustStore trust, TimeProvider time, PackageOpenerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        this.identity = identity;
        verifier = new SignedPackageVerifier(trust, time);
        this.options = options ?? new PackageOpenerOptions();
    }

    /// <summary>Opens a DER package; throws <see cref="PackageRefusedException"/> when it is refused.</summary>
    public OpenedPackage Open(ReadOnlySpan<byte> package)
    {
        if (package.Length > MaxPackageBytes)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, $"the package is {package.Length} bytes; the limit is {MaxPackageBytes}");
        }

        if (package.IsEmpty)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.EmptyPackage, "the package has no bytes");
        }

        var bytes = package.ToArray();
        StrictDer.Require(bytes, "the package");
        var envelope = SignedPackageVerifier.Parse(() => ReadEnvelope(bytes));
        var (contentType, plaintext, decryptedWith) = Decrypt(envelope);

        // As S/MIME nests it (and openssl writes it): id-data holding a whole signed ContentInfo. A bare SignedData under id-signedData is read too.
        var signedData = contentType.Equals(CmsObjectIdentifiers.SignedData)
            ? SignedPackageVerifier.ReadBareSignedData(plaintext)
            : SignedPackageVerifier.ReadSignedContentInfo(plaintext, "the encrypted content");

        var verified = verifier.Verify(signedData, plaintext);
        if (verified.RecipientAgencyId is null && !options.AllowUnboundRecipient)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.NotAddressedToYou, "the signature names no recipient agency; it could have been forwarded from anyone's package");
        }

        if (verified.RecipientAgencyId is not null && verified.RecipientAgencyId != identity.AgencyId)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.NotAddressedToYou, $"the package is signed for {verified.RecipientAgencyId}, not {identity.AgencyId}");
        }

        return new OpenedPackage(verified.Content, verified.Signer, verified.SigningTime, verified.RecipientAgencyId, verified.MessageId, plaintext, decryptedWith);
    }

    /// <summary>Opens a package, or says why not.</summary>
    public bool TryOpen(ReadOnlySpan<byte> package, out OpenedPackage? opened, out PackageRefusal? refusal)
    {
        try
        {
            opened = Open(package);
            refusal = null;
            return true;
        }
        catch (PackageRefusedException ex)
        {
            opened = null;
            refusal = ex.Refusal;
            return false;
        }
    }

    private static AuthEnvelopedData ReadEnvelope(byte[] bytes)
    {
        var info = ContentInfo.GetInstance(Asn1Object.FromByteArray(bytes));
        if (info.ContentType.Equals(CmsObjectIdentifiers.EnvelopedData))
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.DisallowedAlgorithm, "EnvelopedData (unauthenticated, e.g. AES-CBC) is not allowed; packages are AuthEnvelopedData with AES-GCM");
        }

        if (!info.ContentType.Equals(CmsObjectIdentifiers.AuthEnvelopedData))
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, $"not an AuthEnvelopedData (content type {info.ContentType.Id})");
        }

        var envelope = AuthEnvelopedData.GetInstance(info.Content);
        if (envelope.Version.IntValueExact != 0)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, "AuthEnvelopedData version must be 0");
        }

        if (envelope.UnauthAttrs is not null)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, "unauthenticated attributes are not allowed");
        }

        var encrypted = envelope.AuthEncryptedContentInfo;
        if (!encrypted.ContentEncryptionAlgorithm.Algorithm.Equals(NistObjectIdentifiers.IdAes256Gcm))
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.DisallowedAlgorithm, $"content encryption {encrypted.ContentEncryptionAlgorithm.Algorithm.Id} is not allowed; AES-256-GCM is required");
        }

        var gcm = GcmParameters.GetInstance(encrypted.ContentEncryptionAlgorithm.Parameters);
        if (gcm.GetNonce().Length != CmsProfile.NonceBytes || gcm.IcvLen != CmsProfile.TagBytes || envelope.Mac.GetOctets().Length != CmsProfile.TagBytes)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.DisallowedAlgorithm, "AES-GCM must use a 12-byte nonce and a 16-byte tag");
        }

        if (encrypted.EncryptedContent is null)
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, "the encrypted content is missing");
        }

        if (!encrypted.ContentType.Equals(CmsObjectIdentifiers.Data) && !encrypted.ContentType.Equals(CmsObjectIdentifiers.SignedData))
        {
            throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, $"the encrypted content type must be id-data or id-signedData, not {encrypted.ContentType.Id}");
        }

        StrictDer.RequireReencodes(new ContentInfo(CmsObjectIdentifiers.AuthEnvelopedData, envelope), bytes, "the package");
        return envelope;
    }

    private (DerObjectIdentifier ContentType, byte[] Plaintext, AgencyCertificate DecryptedWith) Decrypt(AuthEnvelopedData envelope)
    {
        // Match recipient infos to this agency's certificates first: structure and algorithms are public, so refusing them leaks nothing.
        var candidates = SignedPackageVerifier.Parse(() =>
        {
            var matches = new List<(KeyTransRecipientInfo Info, KeyPair Key)>();
            foreach (var element in envelope.RecipientInfos)
            {
                if (RecipientInfo.GetInstance(element).Info.ToAsn1Object() is not Asn1Sequence sequence)
                {
                    continue; // Other recipient kinds are tagged choices; none of them is for this agency's RSA keys.
                }

                var transport = KeyTransRecipientInfo.GetInstance(sequence);

                // RFC 5652 section 6.2.1: version 0 with issuerAndSerialNumber, 2 with subjectKeyIdentifier.
                var expectedVersion = transport.RecipientIdentifier.IsTagged ? 2 : 0;
                if (transport.Version.IntValueExact != expectedVersion)
                {
                    throw SignedPackageVerifier.Refuse(RefusalReason.Malformed, $"KeyTransRecipientInfo version must be {expectedVersion}");
                }
                foreach (var key in identity.Keys.Where(k => k.Certificate.IsNamedBy(transport.RecipientIdentifier.ID)))
                {
                    if (CmsProfile.KeyTransportProblem(transport.KeyEncryptionAlgorithm) is { } problem)
                    {
                        throw SignedPackageVerifier.Refuse(RefusalReason.DisallowedAlgorithm, problem);
                    }

                    // The recipient info is outside the GCM tag and the signature: only its one DER form is read.
                    var typed = new KeyTransRecipientInfo(transport.RecipientIdentifier, CmsProfile.TypedKeyTransport(transport.KeyEncryptionAlgorithm), transport.EncryptedKey);
                    StrictDer.RequireReencodes(typed, sequence.GetEncoded(Asn1Encodable.Der), "the recipient info");

                    matches.Add((transport, key));
                }
            }

            return matches;
        });

        var encrypted = envelope.AuthEncryptedContentInfo;
        var nonce = GcmParameters.GetInstance(encrypted.ContentEncryptionAlgorithm.Parameters).GetNonce();
        var ciphertext = encrypted.EncryptedContent.GetOctets();
        var tag = envelope.Mac.GetOctets();

        // RFC 5083 section 2.2: with authAttrs, the additional data is their DER encoding with the SET OF tag.
        var associatedData = envelope.AuthAttrs is null ? [] : envelope.AuthAttrs.GetEncoded(Asn1Encodable.Der);
        foreach (var (info, key) in candidates)
        {
            if (key.PrivateKey is not RSA rsa)
            {
                continue;
            }

            byte[]? contentKey = null;
            try
            {
                contentKey = rsa.Decrypt(info.EncryptedKey.GetOctets(), RSAEncryptionPadding.OaepSHA256);
                if (contentKey.Length != CmsProfile.ContentKeyBytes)
                {
                    continue;
                }

                var plaintext = new byte[ciphertext.Length];
                using var gcm = new AesGcm(contentKey, CmsProfile.TagBytes);
                gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
                return (encrypted.ContentType, plaintext, key.Certificate);
            }
            catch (CryptographicException)
            {
                // Deliberately indistinct: a wrong key, a bad padding and a bad tag all read "cannot decrypt".
            }
            finally
            {
                if (contentKey is not null)
                {
                    CryptographicOperations.ZeroMemory(contentKey);
                }
            }
        }

        throw new PackageRefusedException(PackageRefusal.CannotDecrypt);
    }
}
