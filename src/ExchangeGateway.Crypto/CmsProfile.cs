using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;

namespace ExchangeGateway.Crypto;

/// <summary>The algorithms of the package profile, as identifiers to write and as the checks that refuse everything else.</summary>
internal static class CmsProfile
{
    public const int ContentKeyBytes = 32;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;

    // RFC 5754: SHA-2 digest identifiers are written without parameters.
    public static readonly AlgorithmIdentifier Sha256 = new(NistObjectIdentifiers.IdSha256);

    public static readonly AlgorithmIdentifier EcdsaWithSha256 = new(X9ObjectIdentifiers.ECDsaWithSha256);

    public static readonly AlgorithmIdentifier Sha256WithRsa = new(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance);

    // RFC 4055 writes the OAEP hash identifiers with NULL parameters; pSource is the default (empty label) and so omitted.
    public static readonly AlgorithmIdentifier RsaOaepSha256 = new(
        PkcsObjectIdentifiers.IdRsaesOaep,
        new RsaesOaepParameters(
            new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance),
            new AlgorithmIdentifier(PkcsObjectIdentifiers.IdMgf1, new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256, DerNull.Instance))));

    /// <summary>The hash a digest identifier names, if the profile allows it.</summary>
    public static HashAlgorithmName? AllowedDigest(DerObjectIdentifier oid) => oid.Id switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>The key kind and hash a signature identifier names (null hash: the digest algorithm's), if allowed.</summary>
    public static (CertificateKeyAlgorithm Key, HashAlgorithmName? Hash)? AllowedSignature(DerObjectIdentifier oid) => oid.Id switch
    {
        "1.2.840.10045.4.3.2" => (CertificateKeyAlgorithm.Ecdsa, HashAlgorithmName.SHA256),
        "1.2.840.10045.4.3.3" => (CertificateKeyAlgorithm.Ecdsa, HashAlgorithmName.SHA384),
        "1.2.840.10045.4.3.4" => (CertificateKeyAlgorithm.Ecdsa, HashAlgorithmName.SHA512),
        "1.2.840.113549.1.1.1" => (CertificateKeyAlgorithm.Rsa, null),
        "1.2.840.113549.1.1.11" => (CertificateKeyAlgorithm.Rsa, HashAlgorithmName.SHA256),
        "1.2.840.113549.1.1.12" => (CertificateKeyAlgorithm.Rsa, HashAlgorithmName.SHA384),
        "1.2.840.113549.1.1.13" => (CertificateKeyAlgorithm.Rsa, HashAlgorithmName.SHA512),
        _ => null,
    };

    /// <summary>Null when a key transport identifier is RSAES-OAEP with SHA-256, MGF1-SHA-256 and an empty label; else why not.</summary>
    public static string? KeyTransportProblem(AlgorithmIdentifier algorithm)
    {
        if (algorithm.Algorithm.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            return "RSA PKCS#1 v1.5 key transport is not allowed; RSAES-OAEP with SHA-256 is required";
        }

        if (!algorithm.Algorithm.Equals(PkcsObjectIdentifiers.IdRsaesOaep))
        {
            return $"key transport {algorithm.Algorithm.Id} is not allowed; RSAES-OAEP with SHA-256 is required";
        }

        // Absent parameters mean the SHA-1 defaults.
        var parameters = RsaesOaepParameters.GetInstance(algorithm.Parameters ?? new DerSequence());
        var mgf = parameters.MaskGenAlgorithm;
        var mgfHash = mgf.Algorithm.Equals(PkcsObjectIdentifiers.IdMgf1) ? AlgorithmIdentifier.GetInstance(mgf.Parameters) : null;
        var label = parameters.PSourceAlgorithm;
        var labelIsEmpty = label.Algorithm.Equals(PkcsObjectIdentifiers.IdPSpecified)
            && (label.Parameters is null || Asn1OctetString.GetInstance(label.Parameters).GetOctets().Length == 0);
        return parameters.HashAlgorithm.Algorithm.Equals(NistObjectIdentifiers.IdSha256)
            && mgfHash is not null && mgfHash.Algorithm.Equals(NistObjectIdentifiers.IdSha256)
            && labelIsEmpty
            ? null
            : "RSAES-OAEP must use SHA-256, MGF1 with SHA-256 and an empty label";
    }

    /// <summary>
    /// An allowed RSAES-OAEP identifier rebuilt from its typed fields, to compare with the bytes it came from: the
    /// RFC 4055 hash identifiers take NULL or no parameters, and DER omits a field equal to its DEFAULT.
    /// </summary>
    public static AlgorithmIdentifier TypedKeyTransport(AlgorithmIdentifier algorithm)
    {
        var parameters = RsaesOaepParameters.GetInstance(algorithm.Parameters);
        var mgfHash = AlgorithmIdentifier.GetInstance(parameters.MaskGenAlgorithm.Parameters);
        return new AlgorithmIdentifier(
            algorithm.Algorithm,
            new RsaesOaepParameters(
                TypedHash(parameters.HashAlgorithm),
                new AlgorithmIdentifier(parameters.MaskGenAlgorithm.Algorithm, TypedHash(mgfHash)),
                parameters.PSourceAlgorithm));
    }

    private static AlgorithmIdentifier TypedHash(AlgorithmIdentifier hash) => hash.Parameters switch
    {
        null => new AlgorithmIdentifier(hash.Algorithm),
        DerNull => new AlgorithmIdentifier(hash.Algorithm, DerNull.Instance),
        var other => throw StrictDer.NotDer($"the parameters of the RSAES-OAEP hash {hash.Algorithm.Id} must be NULL or absent, not a value tagged 0x{other.ToAsn1Object().GetEncoded()[0]:X2}"),
    };
}
