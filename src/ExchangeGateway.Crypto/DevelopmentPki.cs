using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace ExchangeGateway.Crypto;

/// <summary>The kinds of agency the exchange knows.</summary>
public enum AgencyType
{
    /// <summary>A prison (healthcare in a prison).</summary>
    Prison,

    /// <summary>A community criminal justice intervention team.</summary>
    Cjit,

    /// <summary>A community drug treatment provider.</summary>
    Provider,

    /// <summary>A GP practice.</summary>
    GpPractice,

    /// <summary>The hub itself: signs packages and serves TLS.</summary>
    Gateway,

    /// <summary>The people who run the gateway: the operator console, never a sender or an addressee.</summary>
    Operator,
}

/// <summary>The key types the development PKI issues.</summary>
public enum DevelopmentKeyType
{
    /// <summary>RSA 3072: recipient agencies (RSA-OAEP key transport) and the CA.</summary>
    Rsa3072,

    /// <summary>RSA 2048: only for comparison and short-lived test certificates.</summary>
    Rsa2048,

    /// <summary>ECDSA P-256: the gateway's signing and TLS key.</summary>
    EcdsaP256,
}

/// <summary>What to put in a certificate. Nulls take the defaults for the agency type.</summary>
public sealed record CertificateProfile(string AgencyId, AgencyType Type)
{
    /// <summary>The key type; default RSA-3072, or ECDSA P-256 for the gateway.</summary>
    public DevelopmentKeyType? KeyType { get; init; }

    /// <summary>Start of validity; default one day ago (tolerates clock skew).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>End of validity; default ten years on.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Key usages; default digitalSignature + keyEncipherment (RSA) or digitalSignature (ECDSA).</summary>
    public KeyUsages? KeyUsages { get; init; }
}

/// <summary>
/// A development PKI made with BouncyCastle: a CA, agency certificates naming their agency, and CRLs. For
/// development and tests only; the keys it writes are unencrypted.
/// </summary>
public static class DevelopmentPki
{
    /// <summary>The demo agencies of certs-dev.</summary>
    public static IReadOnlyList<(string Id, AgencyType Type)> DemoAgencies { get; } =
    [
        ("HLI", AgencyType.Prison), ("BMI", AgencyType.Prison), ("SFI", AgencyType.Prison), ("NHI", AgencyType.Prison), ("LPI", AgencyType.Prison),
        ("CJIT-LEEDS", AgencyType.Cjit), ("CJIT-NOTTS", AgencyType.Cjit),
        ("CTP-FWDLEEDS", AgencyType.Provider),
        ("B86030", AgencyType.GpPractice), ("B82005", AgencyType.GpPractice),
        ("gateway", AgencyType.Gateway),
        ("OPS", AgencyType.Operator),
    ];

    /// <summary>The organisation every development certificate names.</summary>
    public const string Organisation = "ExchangeGateway Development";

    private const string ReadmeText = """
        # certs-dev — development PKI only

        Everything here is for development and tests on this machine. These keys are public the moment they are committed:
        never use them, or anything signed or encrypted with them, for a real person's record.

        Made by `exg certs init-dev --out certs-dev` (BouncyCastle; see src/ExchangeGateway.Crypto/DevelopmentPki.cs):

        | file | what |
        |---|---|
        | `ca.crt`, `ca.key` | the development CA (RSA-3072), the only trust anchor |
        | `ca.crl` | the CA's CRL: empty, nextUpdate ten years on (openers refuse when it is past) |
        | `ID.crt`, `ID.key` | one per agency: CN=ID and SAN URI `urn:exchange-gateway:agency:ID`; RSA-3072 (RSA-OAEP recipients), digitalSignature + keyEncipherment, EKU clientAuth + emailProtection |
        | `gateway.crt`, `gateway.key` | the hub: ECDSA P-256, digitalSignature, EKU serverAuth + clientAuth + emailProtection, SAN DNS `localhost` and IP `127.0.0.1` |
        | `audit-checkpoint.key`, `audit-checkpoint.vkey` | the audit log's checkpoint key (Ed25519, PKCS#8) and its verifier key (name+id+key, C2SP signed-note form) for witnesses; origin `exchange-gateway.dev/audit` |

        Agencies: prisons HLI BMI SFI NHI LPI; CJITs CJIT-LEEDS CJIT-NOTTS; provider CTP-FWDLEEDS; GP practices B86030 B82005;
        operator OPS (the gateway's operators: the console at /console/, never a sender or an addressee).
        `exg certs issue --id ID --type TYPE --ca certs-dev --out certs-dev` adds one (a second one for an id becomes `ID.2.crt`:
        a rotation); `exg certs list --certs certs-dev` lists them.
        """;

    /// <summary>Makes a self-signed CA.</summary>
    public static KeyPair CreateAuthority(string name, DateTimeOffset notBefore, DateTimeOffset notAfter, DevelopmentKeyType keyType = DevelopmentKeyType.Rsa3072)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = NewKey(keyType);
        var subject = Name(name, null);
        var spki = SubjectPublicKeyInfo.GetInstance(key.ExportSubjectPublicKeyInfo());
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(NewSerial());
        generator.SetIssuerDN(subject);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetSubjectPublicKeyInfo(spki);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(spki));
        var certificate = generator.Generate(SignatureFactory(key));
        return new KeyPair(new AgencyCertificate(certificate), key);
    }

    /// <summary>Issues an agency certificate from <paramref name="authority"/>.</summary>
    public static KeyPair Issue(KeyPair authority, CertificateProfile profile, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentException.ThrowIfNullOrWhiteSpace(profile.AgencyId);
        var now = time.GetUtcNow();
        var keyType = profile.KeyType ?? (profile.Type == AgencyType.Gateway ? DevelopmentKeyType.EcdsaP256 : DevelopmentKeyType.Rsa3072);
        var key = NewKey(keyType);
        var spki = SubjectPublicKeyInfo.GetInstance(key.ExportSubjectPublicKeyInfo());
        var usages = profile.KeyUsages ?? (keyType == DevelopmentKeyType.EcdsaP256 ? KeyUsages.DigitalSignature : KeyUsages.DigitalSignature | KeyUsages.KeyEncipherment);

        var names = new List<GeneralName> { new(GeneralName.UniformResourceIdentifier, PackageOids.AgencyUriPrefix + profile.AgencyId) };
        var purposes = new List<KeyPurposeID> { KeyPurposeID.id_kp_clientAuth, KeyPurposeID.id_kp_emailProtection };
        if (profile.Type == AgencyType.Gateway)
        {
            // The hub's certificate is also its TLS server identity.
            names.Add(new GeneralName(GeneralName.DnsName, "localhost"));
            names.Add(new GeneralName(GeneralName.IPAddress, "127.0.0.1"));
            purposes.Insert(0, KeyPurposeID.id_kp_serverAuth);
        }

        var issuer = authority.Certificate.Certificate;
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(NewSerial());
        generator.SetIssuerDN(issuer.SubjectDN);
        generator.SetSubjectDN(Name(profile.AgencyId, profile.Type));
        generator.SetNotBefore((profile.NotBefore ?? now.AddDays(-1)).UtcDateTime);
        generator.SetNotAfter((profile.NotAfter ?? now.AddYears(10)).UtcDateTime);
        generator.SetSubjectPublicKeyInfo(spki);
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(BouncyCastleKeyUsage(usages)));
        generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage([.. purposes]));
        generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames([.. names]));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(spki));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer));
        var certificate = generator.Generate(SignatureFactory(authority.PrivateKey));
        return new KeyPair(new AgencyCertificate(certificate), key);
    }

    /// <summary>Makes a CRL from <paramref name="authority"/> revoking <paramref name="revokedSerials"/>.</summary>
    public static X509Crl CreateCrl(KeyPair authority, IEnumerable<BigInteger> revokedSerials, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(revokedSerials);
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(authority.Certificate.Certificate.SubjectDN);
        generator.SetThisUpdate(thisUpdate.UtcDateTime);
        generator.SetNextUpdate(nextUpdate.UtcDateTime);
        foreach (var serial in revokedSerials)
        {
            generator.AddCrlEntry(serial, thisUpdate.UtcDateTime, CrlReason.KeyCompromise);
        }

        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(authority.Certificate.Certificate));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(thisUpdate.ToUnixTimeSeconds())));
        return generator.Generate(SignatureFactory(authority.PrivateKey));
    }

    /// <summary>Writes the whole development set into <paramref name="folder"/>: CA, CRL and every demo agency.</summary>
    public static void InitDevelopmentSet(string folder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(folder);
        var now = time.GetUtcNow();
        var authority = CreateAuthority("ExchangeGateway Development CA", now.AddDays(-1), now.AddYears(20));
        Write(authority, Path.Combine(folder, "ca.crt"), Path.Combine(folder, "ca.key"));
        WriteCrl(CreateCrl(authority, [], now.AddDays(-1), now.AddYears(10)), Path.Combine(folder, "ca.crl"));
        foreach (var (id, type) in DemoAgencies)
        {
            Write(Issue(authority, new CertificateProfile(id, type), time), Path.Combine(folder, id + ".crt"), Path.Combine(folder, id + ".key"));
        }

        var readme = Path.Combine(folder, "README.md");
        if (!File.Exists(readme))
        {
            File.WriteAllText(readme, ReadmeText + "\n");
        }
    }

    /// <summary>
    /// Issues one agency certificate from the CA in <paramref name="caFolder"/> (ca.crt, ca.key) into
    /// <paramref name="outFolder"/> as ID.crt and ID.key, or ID.N.crt and ID.N.key when the agency already has one.
    /// Returns the certificate path.
    /// </summary>
    public static string IssueInto(string caFolder, string outFolder, string agencyId, AgencyType type, TimeProvider time)
    {
        var authority = KeyPair.Load(Path.Combine(caFolder, "ca.crt"), Path.Combine(caFolder, "ca.key"));
        Directory.CreateDirectory(outFolder);
        var existing = CertificateFiles.AgencyFiles(outFolder, agencyId, ".crt").ToList();
        var stem = existing.Count == 0 ? agencyId : $"{agencyId}.{existing.Count + 1}";
        while (File.Exists(Path.Combine(outFolder, stem + ".crt")))
        {
            stem = $"{agencyId}.{int.Parse(stem[(agencyId.Length + 1)..]) + 1}";
        }

        var certificatePath = Path.Combine(outFolder, stem + ".crt");
        Write(Issue(authority, new CertificateProfile(agencyId, type), time), certificatePath, Path.Combine(outFolder, stem + ".key"));
        return certificatePath;
    }

    /// <summary>Parses an agency type as written on the command line: prison, cjit, provider, gp, gateway, operator.</summary>
    public static AgencyType ParseType(string text) => text.ToUpperInvariant() switch
    {
        "PRISON" => AgencyType.Prison,
        "CJIT" => AgencyType.Cjit,
        "PROVIDER" => AgencyType.Provider,
        "GP" or "GPPRACTICE" or "GP-PRACTICE" => AgencyType.GpPractice,
        "GATEWAY" => AgencyType.Gateway,
        "OPERATOR" => AgencyType.Operator,
        _ => throw new ArgumentException($"unknown agency type '{text}' (prison, cjit, provider, gp, gateway, operator)", nameof(text)),
    };

    /// <summary>Writes a certificate (PEM) and its unencrypted private key (PKCS#8 PEM).</summary>
    public static void Write(KeyPair pair, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(pair);
        File.WriteAllText(certificatePath, new string(PemEncoding.Write("CERTIFICATE", pair.Certificate.Der)) + "\n");
        File.WriteAllText(keyPath, PrivateKeys.ToPem(pair.PrivateKey) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Writes a CRL as PEM.</summary>
    public static void WriteCrl(X509Crl crl, string path)
    {
        ArgumentNullException.ThrowIfNull(crl);
        File.WriteAllText(path, new string(PemEncoding.Write("X509 CRL", crl.GetEncoded())) + "\n", Encoding.ASCII);
    }

    private static AsymmetricAlgorithm NewKey(DevelopmentKeyType type) => type switch
    {
        DevelopmentKeyType.Rsa3072 => RSA.Create(3072),
        DevelopmentKeyType.Rsa2048 => RSA.Create(2048),
        _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
    };

    private static Asn1SignatureFactory SignatureFactory(AsymmetricAlgorithm key) =>
        new(key is RSA ? "SHA256WITHRSA" : "SHA256WITHECDSA", PrivateKeyFactory.CreateKey(key.ExportPkcs8PrivateKey()), new SecureRandom());

    private static X509Name Name(string commonName, AgencyType? type)
    {
        var oids = new List<DerObjectIdentifier> { X509Name.O };
        var values = new List<string> { Organisation };
        if (type is { } agencyType)
        {
            oids.Add(X509Name.OU);
            values.Add(agencyType.ToString());
        }

        oids.Add(X509Name.CN);
        values.Add(commonName);
        return new X509Name(oids, values);
    }

    private static BigInteger NewSerial()
    {
        // 127 random bits, positive: unique without a counter and within RFC 5280's 20 octets.
        var bytes = RandomNumberGenerator.GetBytes(16);
        bytes[0] &= 0x7F;
        return new BigInteger(1, bytes);
    }

    private static int BouncyCastleKeyUsage(KeyUsages usages)
    {
        // BouncyCastle numbers key usage bits as they sit in the DER BIT STRING: digitalSignature is 0x80.
        var value = 0;
        for (var bit = 0; bit < 8; bit++)
        {
            if (((int)usages & (1 << bit)) != 0)
            {
                value |= 1 << (7 - bit);
            }
        }

        return value;
    }
}
