namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// Trails cut where the chain alone cannot tell (the hardening issue's cases), left as an attacker with the database
/// file leaves them, past the append-only triggers. The verifier's tests here (CutAndRewrittenTrailTests) and those of
/// <c>exg audit verify</c> in ExchangeGateway.Cli.Tests (AuditVerifyCommandTests) check the same cases.
/// </summary>
public static class CutTrails
{
    /// <summary>
    /// Checkpoints at 10, 20 and 30 and the shutdown checkpoint over 35; the attacker keeps entries 1 to 25 and
    /// checkpoints #1 and #2.
    /// </summary>
    public static Trail TailAndLaterCheckpointsDeleted(PkiFixture pki) => Cut(
        new Trail(pki, entries: 35),
        "DELETE FROM audit_subjects WHERE last_seq > 25",
        "DELETE FROM audit_entries WHERE seq > 25",
        "DELETE FROM audit_checkpoints WHERE number >= 3");

    /// <summary>
    /// Eight submissions are entries 1 to 16; checkpoint #1 signs 10 and the shutdown checkpoint #2 signs 16. The
    /// attacker keeps entries 1 to 10 and checkpoint #1; the outbox still holds submissions 6 to 8.
    /// </summary>
    public static Trail CutBackToTheFirstCheckpoint(PkiFixture pki) => Cut(
        new Trail(pki, entries: 0, submissions: 8),
        "DELETE FROM audit_entries WHERE seq > 10",
        "DELETE FROM audit_checkpoints WHERE number >= 2");

    /// <summary>Thirty submissions in the outbox; every audit row is deleted.</summary>
    public static Trail EveryAuditRowDeleted(PkiFixture pki) => Cut(
        new Trail(pki, entries: 0, submissions: 30),
        "DELETE FROM audit_subjects",
        "DELETE FROM audit_subjects_indexed",
        "DELETE FROM audit_entries",
        "DELETE FROM audit_checkpoints");

    /// <summary>Thirty entries; every checkpoint is deleted.</summary>
    public static Trail EveryCheckpointDeleted(PkiFixture pki) => Cut(new Trail(pki), "DELETE FROM audit_checkpoints");

    private static Trail Cut(Trail trail, params string[] statements)
    {
        trail.DropTriggers();
        foreach (var sql in statements)
        {
            trail.Sql(sql);
        }

        return trail;
    }
}
