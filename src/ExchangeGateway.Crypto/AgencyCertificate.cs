using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace ExchangeGateway.Crypto;

/// <summary>A parsed certificate with what the packages need of it: agency id, key identifiers and a cached .NET public key.</summary>
public sealed class AgencyCertificate
{
    private readonly Lazy<AsymmetricAlgorithm> publicKey;
    private readonly byte[] issuerDer;

    /// <summary>Wraps a BouncyCastle certificate.</summary>
    public AgencyCertificate(BcCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        Certificate = certificate;
        Der = certificate.GetEncoded();
        Fingerprint = Convert.ToHexString(SHA256.HashData(Der));
        issuerDer = certificate.CertificateStructure.Issuer.GetDerEncoded();
        AgencyId = ReadAgencyId(certificate);
        SubjectKeyIdentifier = ReadSubjectKeyIdentifier(certificate);
        SubjectPublicKeyInfoDer = certificate.SubjectPublicKeyInfo.GetDerEncoded();
        KeyAlgorithm = certificate.SubjectPublicKeyInfo.Algorithm.Algorithm.Id switch
        {
            "1.2.840.113549.1.1.1" => CertificateKeyAlgorithm.Rsa,
            "1.2.840.10045.2.1" => CertificateKeyAlgorithm.Ecdsa,
            _ => CertificateKeyAlgorithm.Other,
        };
        publicKey = new Lazy<AsymmetricAlgorithm>(ImportPublicKey, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The BouncyCastle certificate.</summary>
    public BcCertificate Certificate { get; }

    /// <summary>The DER encoding.</summary>
    public byte[] Der { get; }

    /// <summary>Upper-case hex SHA-256 of the DER encoding.</summary>
    public string Fingerprint { get; }

    /// <summary>The agency named by the subjectAltName URI urn:exchange-gateway:agency:ID, else the subject CN; null for neither.</summary>
    public string? AgencyId { get; }

    /// <summary>The subjectKeyIdentifier extension's bytes, or null.</summary>
    public byte[]? SubjectKeyIdentifier { get; }

    /// <summary>The DER SubjectPublicKeyInfo, for matching a private key to its certificate.</summary>
    public byte[] SubjectPublicKeyInfoDer { get; }

    /// <summary>The kind of public key.</summary>
    public CertificateKeyAlgorithm KeyAlgorithm { get; }

    /// <summary>The subject distinguished name.</summary>
    public string Subject => Certificate.SubjectDN.ToString();

    /// <summary>The start of validity (UTC).</summary>
    public DateTimeOffset NotBefore => new(DateTime.SpecifyKind(Certificate.NotBefore, DateTimeKind.Utc));

    /// <summary>The end of validity (UTC).</summary>
    public DateTimeOffset NotAfter => new(DateTime.SpecifyKind(Certificate.NotAfter, DateTimeKind.Utc));

    /// <summary>True for a CA certificate (basicConstraints cA).</summary>
    public bool IsCertificateAuthority => Certificate.GetBasicConstraints() >= 0;

    /// <summary>The public key as a .NET RSA, or null when it is not RSA. Imported once and cached.</summary>
    public RSA? Rsa => publicKey.Value as RSA;

    /// <summary>The public key as a .NET ECDsa, or null when it is not EC. Imported once and cached.</summary>
    public ECDsa? ECDsa => publicKey.Value as ECDsa;

    /// <summary>True when the key usage extension is present and allows every usage asked for.</summary>
    public bool Allows(KeyUsages usages)
    {
        var bits = Certificate.GetKeyUsage();
        if (bits is null)
        {
            return false;
        }

        for (var bit = 0; bit < 9; bit++)
        {
            var wanted = ((int)usages & (1 << bit)) != 0;
            if (wanted && (bit >= bits.Length || !bits[bit]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The key usages, in RFC 5280 names.</summary>
    public IReadOnlyList<string> KeyUsageNames()
    {
        string[] names = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"];
        var bits = Certificate.GetKeyUsage();
        return bits is null ? [] : [.. names.Where((_, i) => i < bits.Length && bits[i])];
    }

    /// <summary>The extended key usages, by short name where known.</summary>
    public IReadOnlyList<string> ExtendedKeyUsageNames()
    {
        var oids = Certificate.GetExtendedKeyUsage();
        if (oids is null)
        {
            return [];
        }

        return [.. oids.Select(o => o.Id switch
        {
            "1.3.6.1.5.5.7.3.1" => "serverAuth",
            "1.3.6.1.5.5.7.3.2" => "clientAuth",
            "1.3.6.1.5.5.7.3.4" => "emailProtection",
            var other => other,
        })];
    }

    /// <summary>True when a CMS identifier (issuerAndSerialNumber or subjectKeyIdentifier) names this certificate.</summary>
    public bool IsNamedBy(Asn1Encodable identifier)
    {
        var value = identifier is Asn1TaggedObject tagged ? tagged.GetBaseObject().ToAsn1Object() : identifier.ToAsn1Object();
        if (identifier is Asn1TaggedObject && value is Asn1OctetString ski)
        {
            return SubjectKeyIdentifier is not null && ski.GetOctets().AsSpan().SequenceEqual(SubjectKeyIdentifier);
        }

        if (value is Asn1Sequence)
        {
            var issuerAndSerial = Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber.GetInstance(value);
            // Exact DER, not RFC 5280 name matching: the sender copies the issuer from the certificate, and a strict match leaves nothing to interpret.
            return issuerAndSerial.SerialNumber.Value.Equals(Certificate.SerialNumber)
                && issuerAndSerial.Issuer.GetDerEncoded().AsSpan().SequenceEqual(issuerDer);
        }

        return false;
    }

    /// <summary>Reads a certificate from PEM or DER bytes.</summary>
    public static AgencyCertificate Parse(byte[] encoded)
    {
        var certificate = new X509CertificateParser().ReadCertificate(encoded)
            ?? throw new FormatException("no certificate found");
        return new AgencyCertificate(certificate);
    }

    /// <summary>Reads a certificate file (PEM or DER).</summary>
    public static AgencyCertificate Load(string path) => Parse(File.ReadAllBytes(path));

    private static string? ReadAgencyId(BcCertificate certificate)
    {
        var names = certificate.GetSubjectAlternativeNameExtension();
        if (names is not null)
        {
            foreach (var name in names.GetNames())
            {
                if (name.TagNo == GeneralName.UniformResourceIdentifier
                    && name.Name.ToString() is { } uri
                    && uri.StartsWith(PackageOids.AgencyUriPrefix, StringComparison.Ordinal))
                {
                    return uri[PackageOids.AgencyUriPrefix.Length..];
                }
            }
        }

        var commonNames = certificate.SubjectDN.GetValueList(X509Name.CN);
        return commonNames.Count > 0 ? commonNames[0] : null;
    }

    private static byte[]? ReadSubjectKeyIdentifier(BcCertificate certificate)
    {
        var extension = certificate.CertificateStructure.TbsCertificate.Extensions?.GetExtension(X509Extensions.SubjectKeyIdentifier);
        return extension is null ? null : Org.BouncyCastle.Asn1.X509.SubjectKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(extension.Value)).GetKeyIdentifier();
    }

    private AsymmetricAlgorithm ImportPublicKey()
    {
        AsymmetricAlgorithm key = KeyAlgorithm == CertificateKeyAlgorithm.Rsa ? RSA.Create() : System.Security.Cryptography.ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfoDer, out _);
        return key;
    }
}

/// <summary>The kinds of certificate key the project issues and accepts.</summary>
public enum CertificateKeyAlgorithm
{
    /// <summary>RSA (2048 or 3072 bits).</summary>
    Rsa,

    /// <summary>ECDSA (the project issues NIST P-256).</summary>
    Ecdsa,

    /// <summary>Anything else: not usable by the packages.</summary>
    Other,
}

/// <summary>X.509 key usages, as bit flags in RFC 5280 order.</summary>
[Flags]
public enum KeyUsages
{
    /// <summary>No usage.</summary>
    None = 0,

    /// <summary>digitalSignature.</summary>
    DigitalSignature = 1 << 0,

    /// <summary>nonRepudiation (contentCommitment).</summary>
    NonRepudiation = 1 << 1,

    /// <summary>keyEncipherment.</summary>
    KeyEncipherment = 1 << 2,

    /// <summary>dataEncipherment.</summary>
    DataEncipherment = 1 << 3,

    /// <summary>keyAgreement.</summary>
    KeyAgreement = 1 << 4,

    /// <summary>keyCertSign.</summary>
    KeyCertSign = 1 << 5,

    /// <summary>cRLSign.</summary>
    CrlSign = 1 << 6,
}
