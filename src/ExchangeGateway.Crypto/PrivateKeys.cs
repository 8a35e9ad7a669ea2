using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Pkcs;

namespace ExchangeGateway.Crypto;

/// <summary>Reads and writes unencrypted PEM private keys (PKCS#8, or the older RSA / EC forms) as .NET keys.</summary>
public static class PrivateKeys
{
    /// <summary>Reads a PEM private key file.</summary>
    public static AsymmetricAlgorithm Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Reads a PEM private key.</summary>
    public static AsymmetricAlgorithm Parse(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var fields = PemEncoding.Find(pem);
        var label = pem[fields.Label];
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        switch (label)
        {
            case "PRIVATE KEY":
                var algorithm = PrivateKeyInfo.GetInstance(der).PrivateKeyAlgorithm.Algorithm.Id;
                if (algorithm == "1.2.840.113549.1.1.1")
                {
                    var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(der, out _);
                    return rsa;
                }

                if (algorithm == "1.2.840.10045.2.1")
                {
                    var ec = ECDsa.Create();
                    ec.ImportPkcs8PrivateKey(der, out _);
                    return ec;
                }

                throw new CryptographicException($"unsupported private key algorithm {algorithm}");
            case "RSA PRIVATE KEY":
                var pkcs1 = RSA.Create();
                pkcs1.ImportRSAPrivateKey(der, out _);
                return pkcs1;
            case "EC PRIVATE KEY":
                var sec1 = ECDsa.Create();
                sec1.ImportECPrivateKey(der, out _);
                return sec1;
            default:
                throw new CryptographicException($"not an unencrypted private key: {label}");
        }
    }

    /// <summary>The key as unencrypted PKCS#8 PEM.</summary>
    public static string ToPem(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>The DER SubjectPublicKeyInfo of a private key's public half.</summary>
    public static byte[] PublicKeyInfo(AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.ExportSubjectPublicKeyInfo();
    }
}

/// <summary>A certificate and its private key: the gateway's signing identity, or one of an agency's decryption keys.</summary>
public sealed class KeyPair
{
    /// <summary>Pairs a certificate with its private key, refusing a key that is not the certificate's.</summary>
    public KeyPair(AgencyCertificate certificate, AsymmetricAlgorithm privateKey)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!PrivateKeys.PublicKeyInfo(privateKey).AsSpan().SequenceEqual(certificate.SubjectPublicKeyInfoDer))
        {
            throw new CryptographicException($"the private key does not belong to the certificate {certificate.Subject}");
        }

        Certificate = certificate;
        PrivateKey = privateKey;
    }

    /// <summary>The certificate.</summary>
    public AgencyCertificate Certificate { get; }

    /// <summary>The private key (.NET, OpenSSL underneath).</summary>
    public AsymmetricAlgorithm PrivateKey { get; }

    /// <summary>Loads a certificate file and its key file.</summary>
    public static KeyPair Load(string certificatePath, string keyPath) =>
        new(AgencyCertificate.Load(certificatePath), PrivateKeys.Load(keyPath));
}

/// <summary>An agency's identity for opening packages: its id and every key it holds (several during a key rotation).</summary>
public sealed class RecipientIdentity
{
    /// <summary>An agency id and its key pairs.</summary>
    public RecipientIdentity(string agencyId, IEnumerable<KeyPair> keys)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agencyId);
        ArgumentNullException.ThrowIfNull(keys);
        AgencyId = agencyId;
        Keys = [.. keys];
        if (Keys.Count == 0)
        {
            throw new ArgumentException("an identity needs at least one key", nameof(keys));
        }
    }

    /// <summary>The agency id the packages must name.</summary>
    public string AgencyId { get; }

    /// <summary>The key pairs, any of which may open a package.</summary>
    public IReadOnlyList<KeyPair> Keys { get; }

    /// <summary>
    /// Loads an agency's keys from a certs folder: <c>ID.key</c> and rotated <c>ID.N.key</c>, each paired with the
    /// certificate in the folder (<c>ID.crt</c>, <c>ID.N.crt</c>) whose public key it matches.
    /// </summary>
    public static RecipientIdentity Load(string folder, string agencyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(agencyId);
        var certificates = CertificateFiles.AgencyFiles(folder, agencyId, ".crt").Select(AgencyCertificate.Load).ToList();
        var pairs = new List<KeyPair>();
        foreach (var keyPath in CertificateFiles.AgencyFiles(folder, agencyId, ".key"))
        {
            var key = PrivateKeys.Load(keyPath);
            var spki = PrivateKeys.PublicKeyInfo(key);
            var certificate = certificates.FirstOrDefault(c => c.SubjectPublicKeyInfoDer.AsSpan().SequenceEqual(spki))
                ?? throw new FileNotFoundException($"{keyPath}: no certificate in {folder} for this key");
            pairs.Add(new KeyPair(certificate, key));
        }

        if (pairs.Count == 0)
        {
            throw new FileNotFoundException($"{Path.Combine(folder, agencyId + ".key")}: no such file");
        }

        return new RecipientIdentity(agencyId, pairs);
    }
}

/// <summary>The naming of files in a certs folder.</summary>
internal static class CertificateFiles
{
    /// <summary>ID.EXT and ID.N.EXT (N a rotation number) in a folder.</summary>
    public static IEnumerable<string> AgencyFiles(string folder, string agencyId, string extension)
    {
        var plain = Path.Combine(folder, agencyId + extension);
        if (File.Exists(plain))
        {
            yield return plain;
        }

        foreach (var path in Directory.EnumerateFiles(folder, agencyId + ".*" + extension).Order(StringComparer.Ordinal))
        {
            var middle = Path.GetFileName(path)[(agencyId.Length + 1)..^extension.Length];
            if (middle.Length > 0 && middle.All(char.IsAsciiDigit))
            {
                yield return path;
            }
        }
    }

    /// <summary>True for a trust anchor's file name: ca.crt or NAME.ca.crt.</summary>
    public static bool IsAnchorFile(string path)
    {
        var name = Path.GetFileName(path);
        return name == "ca.crt" || name.EndsWith(".ca.crt", StringComparison.Ordinal);
    }
}
