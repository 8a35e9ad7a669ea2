using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>A certificate the gateway relies on that ends within <see cref="ConsoleSnapshot.CertificateWarning"/>.</summary>
public sealed record ExpiringCertificate(string Name, string Role, string FingerprintPrefix, DateTimeOffset NotAfter);

/// <summary>
/// What the operator console shows, read in one snapshot: counts per agency, dead letters, overdue releases, open
/// escalations, certificates near their end, and the audit trail's state. Pseudonymous keys and ids only.
/// </summary>
public sealed record ConsoleSnapshot(
    DateTimeOffset Now,
    OutboxTotals Totals,
    IReadOnlyList<(AgencyCounts Counts, string Type)> Agencies,
    IReadOnlyList<OutboxLine> DeadLetters,
    IReadOnlyList<ScheduleEntry> OverdueReleases,
    IReadOnlyList<EscalationEntry> OpenEscalations,
    IReadOnlyList<ExpiringCertificate> ExpiringCertificates,
    (long Seq, string Hash)? AuditHead,
    StoredCheckpoint? LastCheckpoint,
    AuditVerifyResult? LastVerify,
    bool VerifyRunning)
{
    /// <summary>How far ahead a certificate's end is shown.</summary>
    public static readonly TimeSpan CertificateWarning = TimeSpan.FromDays(30);

    /// <summary>At most this many rows in each list (the newest); counts are never cut.</summary>
    public const int MaxRows = 100;

    /// <summary>Reads the snapshot.</summary>
    public static ConsoleSnapshot Read(IGatewayStore store, AgencyDirectory directory, TrustStore trust, TlsIdentity tls, AuditVerifying verifying, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(verifying);
        var now = time.GetUtcNow();
        return store.Snapshot(tx =>
        {
            var dead = tx.Admin.List(MessageStatus.DeadLetter, MaxRows).Concat(tx.Admin.List(MessageStatus.Expired, MaxRows))
                .OrderByDescending(l => l.CreatedAt).Take(MaxRows).ToList();
            var overdue = tx.Schedule.List(overdueOnly: true).OrderByDescending(e => e.DueAt).Take(MaxRows).ToList();
            var open = tx.Escalations.List().Where(e => e.Status is EscalationStatus.Pending or EscalationStatus.Escalated)
                .OrderBy(e => e.DueAt).Take(MaxRows).ToList();
            var agencies = tx.Admin.ByAgency().Select(c => (c, directory.Find(c.Agency)?.Type ?? "not in the directory")).ToList();
            return new ConsoleSnapshot(now, tx.Admin.Totals(), agencies, dead, overdue, open, Expiring(trust, tls, now), tx.Audit.Head(), tx.Audit.NewestCheckpoint(),
                verifying.Last, verifying.Running);
        });
    }

    private static List<ExpiringCertificate> Expiring(TrustStore trust, TlsIdentity tls, DateTimeOffset now)
    {
        var limit = now + CertificateWarning;
        var all = trust.Anchors.Select(c => (Name: c.AgencyId ?? c.Subject, Role: "trust anchor", Certificate: c))
            .Concat(trust.AgencyCertificates.Select(c => (Name: c.AgencyId ?? c.Subject, Role: "agency", Certificate: c)))
            .Where(c => c.Certificate.NotAfter <= limit)
            .Select(c => new ExpiringCertificate(c.Name, c.Role, c.Certificate.Fingerprint[..16].ToLowerInvariant(), c.Certificate.NotAfter))
            .ToList();
        var own = new DateTimeOffset(tls.Certificate.NotAfter.ToUniversalTime());
        if (own <= limit)
        {
            all.Add(new ExpiringCertificate(tls.AgencyId, "this gateway (TLS and signing)", Convert.ToHexStringLower(tls.Certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256))[..16], own));
        }

        return [.. all.OrderBy(c => c.NotAfter)];
    }
}
