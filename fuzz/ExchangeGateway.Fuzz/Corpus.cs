using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Fuzz;

/// <summary>A clock fixed at one moment, so that the packages and the export stay current for the whole run.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>
/// The real seeds every target mutates, made once per run: the spec's example submissions, the bundles `exg map`
/// makes of them, valid business response bodies, packages sealed with the development PKI for B86030, the signed data inside one, and a signed
/// jsonl audit export of a small trail.
/// </summary>
internal sealed class Corpus
{
    /// <summary>The agency the packages are sealed for and opened as.</summary>
    public const string Recipient = "B86030";

    // Every field of the contract appears in at least one, so that edits can reach each of them.
    private static readonly string[] ResponseSeeds =
    [
        """{"outcome":"accepted","by":{"name":"Dr A Patel","role":"Prison GP"}}""",
        """{"outcome":"rejected","by":{"name":"Sam Jones","role":"Healthcare manager","professionalId":"GMC 7654321"},"reason":"Not held here: transferred to HMP Leeds on 2 March."}""",
        """
        {
          "outcome": "accepted",
          "by": { "name": "J Okafor", "role": "Substance misuse nurse", "professionalId": "NMC 12A3456B" },
          "note": "Expected on the 14th.\nFirst dose booked for the morning clinic.",
          "cannotContinue": [
            { "medication": "Buvidal 128 mg weekly", "reason": "Not on the prison formulary; oral buprenorphine offered." },
            { "medication": "Pregabalin 300 mg", "reason": "Needs a review by the prison GP first." }
          ]
        }
        """,
    ];

    private Corpus(string certs, DateTimeOffset now)
    {
        Certs = certs;
        Now = now;
    }

    /// <summary>The development certs folder (a copy of certs-dev beside the harness).</summary>
    public string Certs { get; }

    /// <summary>The moment the seeds were made; the targets' clocks stand still at it.</summary>
    public DateTimeOffset Now { get; }

    public IReadOnlyList<byte[]> Submissions { get; private set; } = [];

    public IReadOnlyList<byte[]> Bundles { get; private set; } = [];

    /// <summary>Bodies of <c>POST /api/v1/messages/{id}/response</c>: an acceptance, a rejection with a reason, one with everything.</summary>
    public IReadOnlyList<byte[]> Responses { get; private set; } = [];

    public IReadOnlyList<byte[]> Packages { get; private set; } = [];

    public IReadOnlyList<byte[]> SignedData { get; private set; } = [];

    public IReadOnlyList<byte[]> AuditExports { get; private set; } = [];

    /// <summary>The certs folder and examples copied beside this assembly.</summary>
    public static string DefaultCerts => Path.Combine(AppContext.BaseDirectory, "certs-dev");

    /// <summary>Makes the seeds with the certs folder's gateway key (signer) and the recipient's key.</summary>
    public static Corpus Build(string? certs = null)
    {
        var corpus = new Corpus(certs ?? DefaultCerts, AuditChain.ToStoredPrecision(DateTimeOffset.UtcNow));
        var examples = Path.Combine(AppContext.BaseDirectory, "examples");
        corpus.Submissions = [.. Directory.GetFiles(examples, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        var mapper = new ReleaseSummaryMapper(ProfileSet.Embedded);
        corpus.Bundles = [.. corpus.Submissions.Select(s => Encoding.UTF8.GetBytes(mapper.MapToJson(SubmissionReader.Read(s).Submission
            ?? throw new InvalidOperationException("an example submission does not read: the seeds are wrong"))))];

        corpus.Responses = [.. ResponseSeeds.Select(Encoding.UTF8.GetBytes)];
        if (corpus.Responses.FirstOrDefault(r => !ResponseReader.Read(r).IsValid) is { } unread)
        {
            throw new InvalidOperationException("a seed response does not read: the seeds are wrong: " + Encoding.UTF8.GetString(unread));
        }

        var time = new FixedTime(corpus.Now);
        var trust = TrustStore.Load(corpus.Certs);
        var gateway = corpus.GatewayKey();
        var sealer = new PackageSealer(gateway, trust, time);

        // A small bundle as well as a real one: in the small one, more of the edits land on the structure, not the ciphertext.
        corpus.Packages = [sealer.Seal(corpus.Bundles[0], Recipient).Der, sealer.Seal("{\"resourceType\":\"Bundle\"}"u8, Recipient).Der];
        var opener = new PackageOpener(RecipientIdentity.Load(corpus.Certs, Recipient), trust, time);
        corpus.SignedData = [.. corpus.Packages.Select(p => opener.Open(p).SignedData)];
        corpus.AuditExports = [corpus.MakeAuditExport(gateway)];
        return corpus;
    }

    private KeyPair GatewayKey() => KeyPair.Load(Path.Combine(Certs, "gateway.crt"), Path.Combine(Certs, "gateway.key"));

    private byte[] MakeAuditExport(KeyPair gateway)
    {
        var folder = Directory.CreateTempSubdirectory("exg-fuzz-audit-").FullName;
        try
        {
            var keys = PersonKeys.LoadOrCreate(folder);
            string[] people = [keys.ForNhsNumber("9434765919"), keys.ForPrisonNumber("A1234BC")];
            using var store = SqliteStore.Open(Path.Combine(folder, DatabaseLocation.SqliteFileName), TimeProvider.System);
            var log = new AuditLog(CheckpointSigner.Load(Certs), checkpointInterval: 4);
            for (var i = 1; i <= 10; i++)
            {
                var draft = new AuditRecord(AuditEventTypes.All[i % AuditEventTypes.All.Count], i % 2 == 0 ? "HLI" : AuditActors.Gateway)
                {
                    Subjects = i % 5 == 0 ? [] : [people[i % 2]],
                    Details = new Dictionary<string, AuditValue> { ["messageId"] = $"01964f7e-7c1a-7b3e-9d2f-{i:D12}", ["recipient"] = Recipient, ["attempt"] = i },
                };
                store.InTransaction(tx => log.Append(tx.Audit, draft, Now.AddMinutes(i - 30)));
            }

            using var text = new StringWriter();
            store.InTransaction(tx => log.ExtendTree(tx.Audit));
            store.Snapshot(tx => AuditJsonl.Write(tx.Audit, text, CheckpointSigner.Load(Certs), Now));
            return Encoding.UTF8.GetBytes(text.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
