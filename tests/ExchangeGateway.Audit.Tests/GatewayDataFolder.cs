using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// A gateway data folder: the real outbox and the audit trail in one SQLite store, each submission (one push message to
/// SFI) stored with its received and sealed entries in one unit of work, as the gateway does; then a shutdown checkpoint.
/// </summary>
public sealed class GatewayDataFolder : IDisposable
{
    private readonly PkiFixture pki;
    private SqliteConnection? raw;

    public GatewayDataFolder(PkiFixture pki, int submissions, int interval = 10)
    {
        this.pki = pki;
        Store = SqliteStore.Open(Folder.File(DatabaseLocation.SqliteFileName), new FixedTime(pki.Now));
        Log = new AuditLog(pki.Signer, interval);
        for (var i = 1; i <= submissions; i++)
        {
            Accept(i);
        }

        Checkpoint();
    }

    public TempFolder Folder { get; } = new();

    public string Data => Folder.Path;

    public SqliteStore Store { get; }

    public AuditLog Log { get; }

    public static string SubmissionId(int i) => $"00000000-0000-4000-8000-{i:D12}";

    public static string MessageId(int i) => $"01964f7e-7c1a-7b3e-9d2f-{i:D12}";

    public void Accept(int i) => Store.InTransaction(tx =>
    {
        tx.Submissions.Accept(new AcceptedSubmission(SubmissionId(i), "HLI", "transfer", new string('a', 64), [],
            [new RecipientDecision("SFI", "prison", "shared", "consent recorded", MessageId(i))],
            [new OutgoingMessage(MessageId(i), "SFI", "prison", DeliveryChannel.Push, "https://sfi.example/inbox", [1, 2, 3])],
            "{}", new KnownAgencies(null, null), null));
        return Log.AppendAll(tx.Audit,
        [
            new AuditRecord(AuditEventTypes.SubmissionReceived, "HLI") { Details = new Dictionary<string, AuditValue> { ["submissionId"] = SubmissionId(i) } },
            new AuditRecord(AuditEventTypes.PackageSealed, AuditActors.Gateway) { Details = new Dictionary<string, AuditValue> { ["submissionId"] = SubmissionId(i), ["messageId"] = MessageId(i) } },
        ], pki.Now);
    });

    public void Deliver(int i) => Store.InTransaction(tx =>
    {
        Assert.True(tx.PushQueue.MarkDelivered(MessageId(i)));
        return Log.Append(tx.Audit,
            new AuditRecord(AuditEventTypes.DeliveryResult, AuditActors.Gateway) { Details = new Dictionary<string, AuditValue> { ["messageId"] = MessageId(i), ["result"] = "delivered" } },
            pki.Now);
    });

    public AuditCheckpoint? Checkpoint() => Store.InTransaction(tx => Log.Checkpoint(tx.Audit, pki.Now));

    /// <summary>Runs SQL on gateway.db as an attacker with the file would, beside the store and past the append-only triggers.</summary>
    public void Sql(string sql)
    {
        foreach (var trigger in AuditLog.Triggers)
        {
            Run($"DROP TRIGGER IF EXISTS {trigger}");
        }

        Run("PRAGMA foreign_keys = OFF");
        Run(sql);
    }

    public AuditVerification Verify(bool allowUnsignedTail = false) => Store.Snapshot(tx => pki.Verifier().Verify(tx, allowUnsignedTail));

    public void Dispose()
    {
        raw?.Dispose();
        Store.Dispose();
        Folder.Dispose();
    }

    private void Run(string sql)
    {
        raw ??= Trail.OpenRaw(Folder.File(DatabaseLocation.SqliteFileName));
        using var command = raw.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
