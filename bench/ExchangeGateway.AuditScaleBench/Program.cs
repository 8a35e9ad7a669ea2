using System.Diagnostics;
using System.Globalization;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.AuditScaleBench;

/// <summary>
/// The audit log at scale (issue 19): a trail of N entries (default 1,000,000) appended as the gateway appends them, the
/// Merkle tree built behind it in the gateway's batches, then inclusion and consistency proofs from the stored tree and a
/// full verify, timed. Usage: AuditScaleBench [ENTRIES] [PROOFS] [--certs DIR].
/// </summary>
internal static class Program
{
    private const int AppendBatch = 7;          // an accepted submission's entries
    private const int TransactionEntries = 700; // a group commit's worth of them
    private const int TreeBatch = 500;          // the gateway's AuditIndexing batch

    private static int Main(string[] args)
    {
        var entries = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;
        var proofs = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var p) ? p : 500;
        var certs = args.SkipWhile(a => a != "--certs").Skip(1).FirstOrDefault() ?? "certs-dev";
        var folder = Directory.CreateTempSubdirectory("exg-audit-scale-").FullName;
        try
        {
            Run(entries, proofs, certs, Path.Combine(folder, DatabaseLocation.SqliteFileName));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Run(int entries, int proofs, string certs, string path)
    {
        Console.WriteLine($"# Audit log at scale: {entries:N0} entries, {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite file");
        using var store = SqliteStore.Open(path, TimeProvider.System);
        var log = new AuditLog(CheckpointSigner.Load(certs));
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var drafts = Enumerable.Range(0, AppendBatch).Select(Draft).ToList();
        var batch = AuditBatch.Of(drafts);

        // Appending: the accept path's work, 7 entries an event, many events a transaction.
        var appendClock = Stopwatch.StartNew();
        var appended = 0;
        while (appended < entries)
        {
            var inThis = Math.Min(TransactionEntries, entries - appended);
            store.InTransaction(tx =>
            {
                for (var i = 0; i < inThis; i += AppendBatch)
                {
                    log.AppendAll(tx.Audit, i + AppendBatch <= inThis ? batch : AuditBatch.Of(drafts[..(inThis - i)]), start.AddSeconds((appended + i) / 50.0));
                }

                return 0;
            });
            appended += inThis;
        }

        appendClock.Stop();
        Row("appended (7 entries an event, 700 a transaction)", $"{entries:N0} in {appendClock.Elapsed.TotalSeconds:F1} s ({entries / appendClock.Elapsed.TotalSeconds:N0} entries/s)");

        // The tree behind the trail, in the background indexer's batches (with its interval checkpoints).
        var treeClock = Stopwatch.StartNew();
        while (store.InTransaction(tx => log.ExtendTree(tx.Audit, TreeBatch)).Added > 0)
        {
        }

        treeClock.Stop();
        var checkpoints = store.Snapshot(tx => AuditLog.Checkpoints(tx.Audit).Count);
        Row("tree built behind it (batches of 500, interval checkpoints every 100)", $"{treeClock.Elapsed.TotalSeconds:F1} s: {entries / treeClock.Elapsed.TotalSeconds:N0} entries/s, {treeClock.Elapsed.TotalMicroseconds / entries:F1} µs an entry; {checkpoints:N0} checkpoints");
        store.InTransaction(tx => log.Checkpoint(tx.Audit, DateTimeOffset.UtcNow));
        Row("database file", $"{new FileInfo(path).Length / 1024.0 / 1024.0:F0} MB (WAL {(File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length / 1024.0 / 1024.0 : 0):F0} MB)");

        var random = new Random(19);
        var inclusion = Time(proofs, () =>
        {
            var seq = random.NextInt64(1, entries + 1);
            var receipt = store.Snapshot(tx => AuditLog.Prove(tx.Audit, seq)) ?? throw new InvalidOperationException($"entry {seq} not covered");
            Check(receipt.Proof.ProvesIn(TreeHeadOf(receipt.Checkpoint)), "inclusion");
        });
        Row($"inclusion proof of a random entry (read, built, verified; {proofs} proofs)", Spread(inclusion));

        var sizes = store.Snapshot(tx => AuditLog.Checkpoints(tx.Audit).Select(c => c.Seq).ToList());
        var consistency = Time(proofs, () =>
        {
            var (from, to) = (sizes[random.Next(sizes.Count)], sizes[random.Next(sizes.Count)]);
            (from, to) = from <= to ? (from, to) : (to, from);
            var proof = store.Snapshot(tx => AuditLog.Consistency(tx.Audit, from, to));
            Check(proof.To == to && proof.Hashes.Count <= 2 * 64, "consistency");
        });
        Row($"consistency proof between two random checkpoints ({proofs} proofs)", Spread(consistency));

        GC.Collect();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var verifyClock = Stopwatch.StartNew();
        var verification = store.Snapshot(tx => new AuditVerifier(CheckpointKeys.Load(certs)).Verify(tx));
        verifyClock.Stop();
        Check(verification.IsValid, "verify: " + string.Join("; ", verification.Problems.Take(3)));
        Row("full verify (chain, tree roots of every checkpoint, stored tree, person index)", $"{verifyClock.Elapsed.TotalSeconds:F1} s, {verification.ValidCheckpoints.Count:N0} checkpoints valid; process peak working set {Math.Max(before, Process.GetCurrentProcess().PeakWorkingSet64) / 1024 / 1024:N0} MB");
    }

    private static AuditRecord Draft(int i) => new(AuditEventTypes.All[i % 4 + 2], i % 2 == 0 ? "gateway" : "HLI")
    {
        Subjects = ["nhs:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))],
        Details = new Dictionary<string, AuditValue>
        {
            ["messageId"] = $"01964f7e-7c1a-7b3e-9d2f-{i:D12}",
            ["recipient"] = "CJIT-LEEDS",
            ["outcome"] = "success",
            ["packageSha256"] = new string('c', 64),
        },
    };

    private static TreeHead TreeHeadOf(AuditCheckpoint checkpoint) =>
        TreeHead.Parse(SignedNote.Parse(CheckpointSigner.NoteOf(checkpoint)).Text);

    private static List<double> Time(int count, Action action)
    {
        action();
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times;
    }

    private static string Spread(List<double> sorted) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {sorted[sorted.Count / 2]:F2} ms, p99 {sorted[(int)(sorted.Count * 0.99)]:F2} ms, max {sorted[^1]:F2} ms, min {sorted[0]:F2} ms");

    private static void Row(string what, string value) => Console.WriteLine($"| {what} | {value} |");

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"{what} failed");
        }
    }
}
