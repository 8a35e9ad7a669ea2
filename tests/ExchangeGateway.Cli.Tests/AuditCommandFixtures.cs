using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Selection;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Cli.Tests;

/// <summary>A clock fixed at one instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// One PKI for the audit command tests (EC keys, so it is quick): a CA with a current CRL and the gateway's ECDSA
/// certificate and key, written to a certs folder.
/// </summary>
public sealed class AuditPki : IDisposable
{
    private readonly TempFolder folder = new();

    public AuditPki()
    {
        Now = AuditChain.ToStoredPrecision(DateTimeOffset.UtcNow);
        var ca = DevelopmentPki.CreateAuthority("Audit Command Test CA", Now.AddDays(-30), Now.AddYears(5), DevelopmentKeyType.EcdsaP256);
        var gateway = DevelopmentPki.Issue(ca, new CertificateProfile("gateway", AgencyType.Gateway), new FixedClock(Now));
        DevelopmentPki.Write(ca, folder.File("ca.crt"), folder.File("ca.key"));
        DevelopmentPki.Write(gateway, folder.File("gateway.crt"), folder.File("gateway.key"));
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(ca, [], Now.AddDays(-1), Now.AddDays(30)), folder.File("ca.crl"));
        Signer = new CheckpointSigner(gateway);
    }

    public DateTimeOffset Now { get; }

    public CheckpointSigner Signer { get; }

    /// <summary>The certs folder: ca.crt, ca.crl, gateway.crt, gateway.key.</summary>
    public string Folder => folder.Path;

    public void Dispose() => folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class AuditPkiCollection : ICollectionFixture<AuditPki>
{
    public const string Name = "audit-command-pki";
}

/// <summary>
/// A gateway data folder whose database (gateway.db, or <paramref name="database"/>) holds a trail written through the
/// store as the gateway writes it: entries about two people with an interval checkpoint every 10, or submissions each
/// stored with its outbox rows and entries in one unit of work. Tampering goes through a second connection to the file.
/// </summary>
internal sealed class AuditDataFolder : IDisposable
{
    public const string NhsNumber = "9434765919";
    public const string PrisonNumber = "A1234BC";

    private static readonly string[] Actors = ["HLI", "gateway", "B82005", "admin:jsmith"];

    private readonly AuditPki pki;

    public AuditDataFolder(AuditPki pki, int entries = 30, int interval = 10, bool shutdown = true, int submissions = 0, string? database = null)
    {
        this.pki = pki;
        Keys = PersonKeys.LoadOrCreate(Folder.Path);
        Store = StorageSelection.Open(database, Folder.Path, new FixedClock(pki.Now));
        Log = new AuditLog(pki.Signer, interval);
        for (var i = 1; i <= entries; i++)
        {
            Add(i);
        }

        for (var i = 1; i <= submissions; i++)
        {
            Accept(i);
        }

        Store.InTransaction(tx => AuditLog.IndexSubjects(tx.Audit));
        if (shutdown)
        {
            Store.InTransaction(tx => Log.Checkpoint(tx.Audit, pki.Now));
        }
    }

    public TempFolder Folder { get; } = new();

    public string Data => Folder.Path;

    public PersonKeys Keys { get; }

    public IGatewayStore Store { get; }

    public AuditLog Log { get; }

    public string PersonA => Keys.ForNhsNumber(NhsNumber);

    public string PersonB => Keys.ForPrisonNumber(PrisonNumber);

    public static string SubmissionId(int i) => $"00000000-0000-4000-8000-{i:D12}";

    public static string MessageId(int i) => $"01964f7e-7c1a-7b3e-9d2f-{i:D12}";

    /// <summary>Entry i's time: two hours before the PKI's now plus i minutes, every third in British Summer Time.</summary>
    public DateTimeOffset TimeOf(int i)
    {
        var utc = pki.Now.AddHours(-2).AddMinutes(i);
        return i % 3 == 0 ? utc.ToOffset(TimeSpan.FromHours(1)) : utc;
    }

    /// <summary>Who entry i is about: A, B, both, or (every fifth) nobody.</summary>
    public IReadOnlyList<string> SubjectsOf(int i) => (i % 5, i % 3) switch
    {
        (0, _) => [],
        (_, 1) => [PersonA],
        (_, 2) => [PersonB],
        _ => [PersonA, PersonB],
    };

    public AuditEntry Add(int i, string reason = "routine entry") => Store.InTransaction(tx => Log.Append(tx.Audit, new AuditRecord(AuditEventTypes.All[i % AuditEventTypes.All.Count], Actors[i % Actors.Length])
    {
        Subjects = SubjectsOf(i),
        Details = new Dictionary<string, AuditValue> { ["messageId"] = MessageId(i), ["recipient"] = "B82005", ["attempt"] = i, ["reason"] = reason },
    }, TimeOf(i)));

    /// <summary>Stores submission i (one push message to SFI) with its received and sealed entries in one unit of work.</summary>
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

    /// <summary>Records push message i delivered, with its delivery-result entry, in one unit of work.</summary>
    public void Deliver(int i) => Store.InTransaction(tx =>
    {
        Assert.True(tx.PushQueue.MarkDelivered(MessageId(i)));
        Log.Append(tx.Audit, new AuditRecord(AuditEventTypes.DeliveryResult, AuditActors.Gateway)
        {
            Details = new Dictionary<string, AuditValue> { ["messageId"] = MessageId(i), ["result"] = "delivered" },
        }, pki.Now);
    });

    /// <summary>Signs the head, as the gateway does on shutdown.</summary>
    public void Checkpoint() => Store.InTransaction(tx => Log.Checkpoint(tx.Audit, pki.Now));

    /// <summary>Runs SQL on gateway.db as an attacker with the file would, beside the store and past the append-only triggers.</summary>
    public void Sql(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Folder.File(DatabaseLocation.SqliteFileName), Pooling = false }.ToString());
        connection.Open();
        foreach (var statement in AuditLog.Triggers.Select(t => $"DROP TRIGGER IF EXISTS {t}").Append("PRAGMA foreign_keys = OFF").Append(sql))
        {
            using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Writes the trail as a signed jsonl export and returns its lines for a test to change.</summary>
    public ExportLines Export()
    {
        var path = Folder.File("audit.jsonl");
        using (var writer = new StreamWriter(path))
        {
            Store.Snapshot(tx => AuditJsonl.Write(tx.Audit, writer, pki.Signer, pki.Now));
        }

        return new ExportLines(path);
    }

    public void Dispose()
    {
        Store.Dispose();
        Folder.Dispose();
    }
}

/// <summary>A jsonl export as lines a test can change.</summary>
internal sealed class ExportLines(string path)
{
    public string Path { get; } = path;

    public List<string> Lines { get; } = [.. File.ReadAllLines(path)];

    public int IndexOfCheckpoint(long number) => Lines.FindIndex(line => JsonNode.Parse(line) is JsonObject o && o.ContainsKey("checkpoint") && (long)o["checkpoint"]! == number);

    public JsonObject Object(int index) => (JsonObject)JsonNode.Parse(Lines[index])!;

    public string Save()
    {
        File.WriteAllLines(Path, Lines);
        return Path;
    }
}
