using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.X509;

namespace ExchangeGateway.Crypto;

/// <summary>
/// What this node trusts, read from a certs folder: CA certificates (<c>ca.crt</c>, <c>*.ca.crt</c>), agency
/// certificates (<c>ID.crt</c>, rotated <c>ID.N.crt</c>) and CRLs (<c>*.crl</c>). Only the CA certificates are anchors:
/// nothing is trusted for being inside a package or for sitting in the folder.
/// </summary>
public sealed class TrustStore
{
    private const int MaxPathLength = 6;
    private readonly IReadOnlyList<(X509Crl Crl, string Fingerprint)> crls;

    // Whether a signature of one certificate (or CRL) verifies under another's key is a fact of their bytes (keyed by
    // fingerprints), so it is shared by every trust store of the process: a store loaded again (a gateway restarted in
    // process, each client's handler) does not repeat BouncyCastle's parse of the issuer's RSA key, whose probable-prime
    // test of the modulus cost tens of milliseconds a handshake in profiles. Bounded: cleared if it ever grows large.
    private static readonly ConcurrentDictionary<string, bool> SignatureChecks = new(StringComparer.Ordinal);
    private const int MaxSignatureChecks = 4096;

    // Paths and each issuer's newest CRL depend only on signatures and the folder, never on the time: work them out once.
    private readonly ConcurrentDictionary<string, (List<AgencyCertificate>? Path, AgencyCertificate? Anchor)> paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuerCrl?> issuerCrls = new(StringComparer.Ordinal);

    /// <summary>A trust store from certificates and CRLs already in memory.</summary>
    public TrustStore(IEnumerable<AgencyCertificate> anchors, IEnumerable<AgencyCertificate> agencyCertificates, IEnumerable<X509Crl> revocationLists)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        ArgumentNullException.ThrowIfNull(agencyCertificates);
        ArgumentNullException.ThrowIfNull(revocationLists);
        Anchors = [.. anchors];
        AgencyCertificates = [.. agencyCertificates];
        crls = [.. revocationLists.Select(crl => (crl, Convert.ToHexString(SHA256.HashData(crl.GetEncoded()))))];
    }

    /// <summary>The trusted CA certificates.</summary>
    public IReadOnlyList<AgencyCertificate> Anchors { get; }

    /// <summary>The agency certificates in the folder (not trusted by themselves: each must chain to an anchor).</summary>
    public IReadOnlyList<AgencyCertificate> AgencyCertificates { get; }

    /// <summary>The CRLs in the folder, as read (their signatures are checked when used).</summary>
    public IReadOnlyList<X509Crl> RevocationLists => [.. crls.Select(c => c.Crl)];

    /// <summary>Reads a certs folder.</summary>
    public static TrustStore Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no such folder");
        }

        var anchors = new List<AgencyCertificate>();
        var agencies = new List<AgencyCertificate>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.crt").Order(StringComparer.Ordinal))
        {
            (CertificateFiles.IsAnchorFile(path) ? anchors : agencies).Add(AgencyCertificate.Load(path));
        }

        var parser = new X509CrlParser();
        var lists = Directory.EnumerateFiles(folder, "*.crl").Order(StringComparer.Ordinal)
            .Select(path => parser.ReadCrl(File.ReadAllBytes(path)) ?? throw new FormatException($"{path}: not a CRL"))
            .ToList();
        return new TrustStore(anchors, agencies, lists);
    }

    /// <summary>Every certificate in the folder naming this agency, newest first.</summary>
    public IReadOnlyList<AgencyCertificate> CertificatesFor(string agencyId) =>
        [.. AgencyCertificates.Where(c => c.AgencyId == agencyId).OrderByDescending(c => c.NotBefore)];

    /// <summary>
    /// The certificate to seal to: of the agency's certificates that are valid now, chain to an anchor, are not
    /// revoked and allow RSA key encipherment, the one issued last (so a rotated-in certificate takes over at once).
    /// </summary>
    public AgencyCertificate RecipientCertificate(string agencyId, DateTimeOffset now)
    {
        var candidates = CertificatesFor(agencyId);
        if (candidates.Count == 0)
        {
            throw new SealingException($"no certificate for agency {agencyId}");
        }

        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            if (candidate.KeyAlgorithm != CertificateKeyAlgorithm.Rsa)
            {
                problems.Add($"{candidate.Subject}: not an RSA key (key transport is RSA-OAEP)");
                continue;
            }

            var refusal = Check(candidate, [], [now], now, KeyUsages.KeyEncipherment);
            if (refusal is null)
            {
                return candidate;
            }

            problems.Add($"{candidate.Subject}: {refusal}");
        }

        throw new SealingException($"no usable certificate for agency {agencyId} ({string.Join("; ", problems)})");
    }

    /// <summary>
    /// Checks a certificate: it chains to an anchor (through CA certificates from <paramref name="intermediates"/>),
    /// every certificate on the path is valid at each of <paramref name="times"/>, the leaf allows
    /// <paramref name="required"/>, and none is on a current CRL of its issuer. Null when it passes.
    /// </summary>
    public PackageRefusal? Check(AgencyCertificate leaf, IEnumerable<AgencyCertificate> intermediates, IReadOnlyList<DateTimeOffset> times, DateTimeOffset now, KeyUsages required)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(intermediates);
        ArgumentNullException.ThrowIfNull(times);

        var authorities = intermediates.Where(c => c.IsCertificateAuthority).ToList();
        var key = authorities.Count == 0 ? leaf.Fingerprint : string.Join(">", authorities.Select(c => c.Fingerprint).Prepend(leaf.Fingerprint));
        var (path, anchor) = paths.GetOrAdd(key, _ => (BuildPath(leaf, authorities, out var found), found));
        if (path is null)
        {
            return new PackageRefusal(RefusalReason.UntrustedSigner, $"{leaf.Subject} does not chain to a trusted CA");
        }

        foreach (var certificate in path.Append(anchor!))
        {
            foreach (var time in times)
            {
                if (time < certificate.NotBefore)
                {
                    return new PackageRefusal(RefusalReason.NotYetValid, $"{certificate.Subject} is not valid before {certificate.NotBefore:u} (checked at {time:u})");
                }

                if (time > certificate.NotAfter)
                {
                    return new PackageRefusal(RefusalReason.Expired, $"{certificate.Subject} expired {certificate.NotAfter:u} (checked at {time:u})");
                }
            }
        }

        if (!leaf.Allows(required))
        {
            return new PackageRefusal(RefusalReason.WrongKeyUsage, $"{leaf.Subject} does not allow {required}");
        }

        for (var i = 0; i < path.Count; i++)
        {
            var issuer = i + 1 < path.Count ? path[i + 1] : anchor!;
            var refusal = CheckRevocation(path[i], issuer, now);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private List<AgencyCertificate>? BuildPath(AgencyCertificate leaf, List<AgencyCertificate> intermediates, out AgencyCertificate? anchor)
    {
        var path = new List<AgencyCertificate> { leaf };
        var current = leaf;
        while (path.Count <= MaxPathLength)
        {
            anchor = Anchors.FirstOrDefault(a => IsIssuedBy(current, a));
            if (anchor is not null)
            {
                return path;
            }

            var next = intermediates.FirstOrDefault(i => !path.Contains(i) && i.Allows(KeyUsages.KeyCertSign) && IsIssuedBy(current, i));
            if (next is null)
            {
                break;
            }

            path.Add(next);
            current = next;
        }

        anchor = null;
        return null;
    }

    private bool IsIssuedBy(AgencyCertificate child, AgencyCertificate issuer)
    {
        if (!child.Certificate.IssuerDN.Equivalent(issuer.Certificate.SubjectDN) || !issuer.IsCertificateAuthority)
        {
            return false;
        }

        // Certificate signatures are checked once per pair: the answer cannot change, and it saves a public-key operation per package.
        return CheckedOnce(child.Fingerprint + ">" + issuer.Fingerprint, () =>
        {
            try
            {
                return child.Certificate.IsSignatureValid(issuer.Certificate.GetPublicKey());
            }
            // GeneralSecurityException covers BouncyCastle's CertificateException, thrown (not false) when the outer
            // signature algorithm differs from the one inside the signed part, and its InvalidKeyException; IOException, a
            // signature BIT STRING with unused bits.
            catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or ArgumentException or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.GeneralSecurityException or IOException)
            {
                return false;
            }
        });
    }

    private PackageRefusal? CheckRevocation(AgencyCertificate certificate, AgencyCertificate issuer, DateTimeOffset now)
    {
        var issuerCrl = issuerCrls.GetOrAdd(issuer.Fingerprint, _ =>
        {
            var newest = crls
                .Where(c => c.Crl.IssuerDN.Equivalent(issuer.Certificate.SubjectDN) && IsCrlSignedBy(c.Crl, c.Fingerprint, issuer))
                .Select(c => c.Crl)
                .MaxBy(crl => crl.ThisUpdate);
            return newest is null ? null : new IssuerCrl(newest, newest.GetRevokedCertificates()?.ToDictionary(e => e.SerialNumber.ToString(16), e => e.RevocationDate) ?? []);
        });
        if (issuerCrl is null)
        {
            return new PackageRefusal(RefusalReason.StaleCrl, $"no CRL from {issuer.Subject}: revocation cannot be checked");
        }

        var current = issuerCrl.Crl;

        var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(current.ThisUpdate, DateTimeKind.Utc));
        if (now < thisUpdate)
        {
            return new PackageRefusal(RefusalReason.StaleCrl, $"the CRL from {issuer.Subject} is not in force before {thisUpdate:u}");
        }

        if (current.NextUpdate is not { } next || now > new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)))
        {
            return new PackageRefusal(RefusalReason.StaleCrl, $"the CRL from {issuer.Subject} is past its nextUpdate ({current.NextUpdate:u})");
        }

        var serial = certificate.Certificate.SerialNumber.ToString(16);
        return issuerCrl.Revoked.TryGetValue(serial, out var revoked)
            ? new PackageRefusal(RefusalReason.Revoked, $"{certificate.Subject} (serial {serial}) was revoked {revoked:u}")
            : null;
    }

    private static bool CheckedOnce(string key, Func<bool> check)
    {
        if (SignatureChecks.TryGetValue(key, out var known))
        {
            return known;
        }

        if (SignatureChecks.Count >= MaxSignatureChecks)
        {
            SignatureChecks.Clear();
        }

        return SignatureChecks.GetOrAdd(key, _ => check());
    }

    private bool IsCrlSignedBy(X509Crl crl, string crlFingerprint, AgencyCertificate issuer)
    {
        var key = crlFingerprint + ">" + issuer.Fingerprint;
        return CheckedOnce(key, () =>
        {
            try
            {
                return issuer.Allows(KeyUsages.CrlSign) && crl.IsSignatureValid(issuer.Certificate.GetPublicKey());
            }
            // GeneralSecurityException covers BouncyCastle's CertificateException, thrown (not false) when the outer
            // signature algorithm differs from the one inside the signed part, and its InvalidKeyException; IOException, a
            // signature BIT STRING with unused bits.
            catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or ArgumentException or Org.BouncyCastle.Security.SecurityUtilityException or Org.BouncyCastle.Security.GeneralSecurityException or IOException)
            {
                return false;
            }
        });
    }
}

/// <summary>An issuer's newest CRL with its revoked serials (hex) indexed.</summary>
internal sealed record IssuerCrl(X509Crl Crl, Dictionary<string, DateTime> Revoked);
