using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit.Tests;

/// <summary>A clock that says what the test tells it.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("exg-audit-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        // Pooled SQLite handles would keep the database open on some platforms; release them before deleting.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>
/// One PKI for the test run (EC keys, so it is quick): a CA with a current CRL and the gateway's ECDSA certificate,
/// written to a certs folder; and a rogue CA with its own "gateway" certificate, for forged checkpoints.
/// </summary>
public sealed class PkiFixture : IDisposable
{
    private readonly TempFolder folder = new();

    public PkiFixture()
    {
        Now = AuditChain.ToStoredPrecision(DateTimeOffset.UtcNow);
        var time = new FixedTime(Now);
        Ca = DevelopmentPki.CreateAuthority("Audit Test CA", Now.AddDays(-30), Now.AddYears(5), DevelopmentKeyType.EcdsaP256);
        Gateway = DevelopmentPki.Issue(Ca, new CertificateProfile("gateway", AgencyType.Gateway), time);
        DevelopmentPki.Write(Ca, folder.File("ca.crt"), folder.File("ca.key"));
        DevelopmentPki.Write(Gateway, folder.File("gateway.crt"), folder.File("gateway.key"));
        DevelopmentPki.WriteCrl(DevelopmentPki.CreateCrl(Ca, [], Now.AddDays(-1), Now.AddDays(30)), folder.File("ca.crl"));
        RogueCa = DevelopmentPki.CreateAuthority("Rogue CA", Now.AddDays(-30), Now.AddYears(5), DevelopmentKeyType.EcdsaP256);
        RogueGateway = DevelopmentPki.Issue(RogueCa, new CertificateProfile("gateway", AgencyType.Gateway), time);
        Signer = CheckpointSigner.CreateKeyFiles(folder.Path, Origin);
        RogueSigner = new CheckpointSigner(new NoteKey(Origin, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    }

    public DateTimeOffset Now { get; }

    public KeyPair Ca { get; }

    public KeyPair Gateway { get; }

    public KeyPair RogueCa { get; }

    public KeyPair RogueGateway { get; }

    /// <summary>The test log's origin.</summary>
    public const string Origin = "audit-tests.example/log";

    public CheckpointSigner Signer { get; }

    /// <summary>A checkpoint key of the same name that the certs folder does not hold: forged checkpoints.</summary>
    public CheckpointSigner RogueSigner { get; }

    /// <summary>The certs folder: ca.crt, ca.crl, gateway.crt, gateway.key.</summary>
    public string Folder => folder.Path;

    public AuditVerifier Verifier(string? certs = null) => new(CheckpointKeys.Load(certs ?? Folder));

    public void Dispose() => folder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PkiCollection : ICollectionFixture<PkiFixture>
{
    public const string Name = "audit-pki";
}

/// <summary>
/// A gateway data folder with a trail written through the store as the gateway writes it, each append its own unit
/// of work: <c>entries</c> entries about two people (one by NHS number, one by prison number) of various types and
/// actors, then <c>submissions</c> submissions (one push message to SFI each) stored with their outbox rows and their
/// received and sealed entries in one unit of work; then, unless <c>tree</c> is false, the Merkle tree over them (which
/// signs an interval checkpoint every <c>interval</c> entries) and, unless
/// <c>shutdown</c> is false, a shutdown checkpoint. The store is the SQLite gateway.db in the folder unless
/// <c>openStore</c> opens another (the command tests' PostgreSQL database); the raw connection and the tampering
/// helpers are for gateway.db. ExchangeGateway.Cli.Tests uses it too, for the <c>exg audit</c> commands.
/// </summary>
public sealed class Trail : IDisposable
{
    public const string NhsNumber = "9434765919";
    public const string PrisonNumber = "A1234BC";
    public const string OtherNhsNumber = "4010232137";

    private const string RoutineReason = "routine \"test\" entry";

    private static readonly string[] Actors = ["HLI", "gateway", "B82005", "admin:jsmith"];

    private readonly PkiFixture pki;
    private readonly Func<TimeProvider, IGatewayStore>? openStore;
    private SqliteConnection? raw;

    public Trail(PkiFixture pki, int entries = 30, int interval = 10, bool shutdown = true, int submissions = 0, Func<TimeProvider, IGatewayStore>? openStore = null, bool tree = true)
    {
        this.pki = pki;
        this.openStore = openStore;
        Keys = PersonKeys.LoadOrCreate(Folder.Path);
        Store = OpenStore();
        Log = new AuditLog(pki.Signer, interval);
        for (var i = 1; i <= entries; i++)
        {
            Add(i);
        }

        for (var i = 1; i <= submissions; i++)
        {
            Accept(i);
        }

        // As the gateway does behind the trail.
        Write(audit => AuditLog.IndexSubjects(audit));
        if (tree)
        {
            Write(audit => Log.ExtendTree(audit));
        }

        if (shutdown)
        {
            // At the last entry's time: submissions are stored at the PKI's now.
            Write(audit => Log.Checkpoint(audit, submissions > 0 ? pki.Now : TimeOf(entries), CheckpointReason.Shutdown));
        }
    }

    public TempFolder Folder { get; } = new();

    public string Data => Folder.Path;

    public string DatabasePath => Folder.File(DatabaseLocation.SqliteFileName);

    public PersonKeys Keys { get; }

    public IGatewayStore Store { get; private set; }

    public AuditLog Log { get; }

    public string PersonA => Keys.ForNhsNumber(NhsNumber);

    public string PersonB => Keys.ForPrisonNumber(PrisonNumber);

    /// <summary>gateway.db opened a second time, beside the store, as anyone with the file can.</summary>
    public SqliteConnection Raw => raw ??= OpenRaw(DatabasePath);

    public static string SubmissionId(int i) => $"00000000-0000-4000-8000-{i:D12}";

    public static string MessageId(int i) => $"01964f7e-7c1a-7b3e-9d2f-{i:D12}";

    /// <summary>Another store on the same database, as a second process would open it.</summary>
    public IGatewayStore OpenStore() => openStore?.Invoke(new FixedTime(pki.Now)) ?? SqliteStore.Open(DatabasePath, new FixedTime(pki.Now));

    /// <summary>Closes the store and opens it again, as a restart does.</summary>
    public void Reopen()
    {
        Store.Dispose();
        Store = OpenStore();
    }

    /// <summary>Runs <paramref name="work"/> on the audit rows in one unit of work, committed unless it throws.</summary>
    public T Write<T>(Func<IAuditStore, T> work) => Store.InTransaction(tx => work(tx.Audit));

    /// <summary>Runs <paramref name="work"/> on the audit rows of one read snapshot.</summary>
    public T Read<T>(Func<IAuditStore, T> work) => Store.Snapshot(tx => work(tx.Audit));

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

    public AuditEntry Add(int i, string reason = RoutineReason) => Write(audit => Log.Append(audit, Draft(i, reason), TimeOf(i)));

    public AuditRecord Draft(int i, string reason = RoutineReason) => new(AuditEventTypes.All[i % AuditEventTypes.All.Count], Actors[i % Actors.Length])
    {
        Subjects = SubjectsOf(i),
        Details = new Dictionary<string, AuditValue>
        {
            ["messageId"] = MessageId(i),
            ["recipient"] = "B82005",
            ["attempt"] = i,
            ["reason"] = reason,
        },
    };

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
        return Log.Append(tx.Audit,
            new AuditRecord(AuditEventTypes.DeliveryResult, AuditActors.Gateway) { Details = new Dictionary<string, AuditValue> { ["messageId"] = MessageId(i), ["result"] = "delivered" } },
            pki.Now);
    });

    /// <summary>Signs the head now, as the gateway does on shutdown.</summary>
    public AuditCheckpoint? Checkpoint() => Write(audit => Log.Checkpoint(audit, pki.Now));

    public IReadOnlyList<AuditEntry> Entries() => Read(audit => AuditLog.Entries(audit).ToList());

    public AuditEntry Entry(long seq) => Entries().Single(e => e.Seq == seq);

    public IReadOnlyList<AuditCheckpoint> Checkpoints() => Read(AuditLog.Checkpoints);

    public IReadOnlyList<AuditEntry> EntriesFor(string subjectKey, DateTimeOffset? from = null, DateTimeOffset? to = null) =>
        Read(audit => AuditLog.EntriesFor(audit, subjectKey, from, to));

    /// <summary>Runs SQL on gateway.db as an attacker with file access would, beside the store.</summary>
    public void Sql(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Raw.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Drops the append-only triggers and foreign keys, as an attacker with the file can: the tampering tests must get
    /// past them to show that the chain and the checkpoints still catch the change.
    /// </summary>
    public void DropTriggers()
    {
        foreach (var trigger in AuditLog.Triggers)
        {
            Sql($"DROP TRIGGER IF EXISTS {trigger}");
        }

        Sql("PRAGMA foreign_keys = OFF");
    }

    /// <summary>Recomputes the chain from entry <paramref name="fromSeq"/> on, as someone who changed an entry would (triggers dropped first).</summary>
    public void Rehash(long fromSeq)
    {
        var entries = Entries();
        var previous = fromSeq == 1 ? AuditChain.Genesis : entries[(int)fromSeq - 2].Hash;
        foreach (var entry in entries.Where(e => e.Seq >= fromSeq))
        {
            var rehashed = entry with { PrevHash = previous };
            rehashed = rehashed with { Hash = AuditChain.ComputeHash(rehashed) };
            Sql("UPDATE audit_entries SET prev_hash = $prev, hash = $hash WHERE seq = $seq", ("$prev", rehashed.PrevHash), ("$hash", rehashed.Hash), ("$seq", entry.Seq));
            previous = rehashed.Hash;
        }
    }

    /// <summary>Adds an entry as an attacker would: a well-formed entry with a correct hash, stored straight into the tables.</summary>
    public void InsertRaw(AuditEntry entry)
    {
        var hashed = entry with { Hash = AuditChain.ComputeHash(entry) };
        Sql(
            "INSERT INTO audit_entries (seq, time, type, actor, subjects, details, prev_hash, hash) VALUES ($seq, $time, $type, $actor, $subjects, $details, $prev, $hash)",
            ("$seq", hashed.Seq), ("$time", AuditChain.FormatTime(hashed.Time)), ("$type", hashed.Type), ("$actor", hashed.Actor),
            ("$subjects", CanonicalJson.Value(hashed.Subjects)), ("$details", CanonicalJson.Details(hashed.Details)), ("$prev", hashed.PrevHash), ("$hash", hashed.Hash));
        foreach (var subject in hashed.Subjects)
        {
            Sql("INSERT INTO audit_subjects (subject_key, first_seq, last_seq) VALUES ($key, $seq, $seq)", ("$key", subject), ("$seq", hashed.Seq));
        }
    }

    public AuditVerification Verify(string? certs = null, bool allowUnsignedTail = false) =>
        Store.Snapshot(tx => pki.Verifier(certs).Verify(tx, allowUnsignedTail));

    /// <summary>Exports the trail as jsonl (ending with the export checkpoint unless unsigned) and returns it as an editable file.</summary>
    public ExportFile Export(bool signed = true)
    {
        var path = Folder.File("audit.jsonl");
        using (var writer = new StreamWriter(path))
        {
            Read(audit => AuditJsonl.Write(audit, writer, signed ? pki.Signer : null, pki.Now));
        }

        return new ExportFile(path);
    }

    /// <summary>A connection of its own to a database file, unpooled so that nothing keeps the file open after a test.</summary>
    public static SqliteConnection OpenRaw(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        raw?.Dispose();
        Store.Dispose();
        Folder.Dispose();
    }
}

/// <summary>A jsonl export as lines a test can change.</summary>
public sealed class ExportFile(string path)
{
    public string Path { get; } = path;

    public List<string> Lines { get; } = [.. File.ReadAllLines(path)];

    public int IndexOfEntry(long seq) => Lines.FindIndex(line => JsonNode.Parse(line) is JsonObject o && !o.ContainsKey("checkpoint") && (long)o["seq"]! == seq);

    public int IndexOfCheckpoint(long number) => Lines.FindIndex(line => JsonNode.Parse(line) is JsonObject o && o.ContainsKey("checkpoint") && (long)o["checkpoint"]! == number);

    public JsonObject Object(int index) => (JsonObject)JsonNode.Parse(Lines[index])!;

    public void Save() => File.WriteAllLines(Path, Lines);

    public AuditVerification Verify(PkiFixture pki, string? certs = null, bool allowUnsignedTail = false)
    {
        Save();
        using var reader = new StreamReader(Path);
        return pki.Verifier(certs).VerifyExport(reader, allowUnsignedTail);
    }
}
