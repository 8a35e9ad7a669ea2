using System.Buffers.Binary;
using System.Security.Cryptography;
using ExchangeGateway.Crypto;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

/// <summary>One thing wrong with a trail: the first seq it makes untrustworthy, and why.</summary>
public sealed record AuditProblem(long Seq, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"seq {Seq}: {Reason}";
}

/// <summary>What verifying a trail found.</summary>
public sealed class AuditVerification
{
    internal AuditVerification(long entryCount, (long Seq, string Hash)? head, IReadOnlyList<AuditCheckpoint> validCheckpoints, IReadOnlyList<AuditProblem> problems, IReadOnlyList<string> warnings)
    {
        EntryCount = entryCount;
        Head = head;
        ValidCheckpoints = validCheckpoints;
        Problems = problems;
        Warnings = warnings;
    }

    /// <summary>True when nothing is wrong (warnings allowed).</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Entries read (well-formed or not).</summary>
    public long EntryCount { get; }

    /// <summary>The last entry read: its seq and stored hash.</summary>
    public (long Seq, string Hash)? Head { get; }

    /// <summary>The checkpoints whose signature, signer and certificate check out, in number order.</summary>
    public IReadOnlyList<AuditCheckpoint> ValidCheckpoints { get; }

    /// <summary>The newest valid checkpoint, or null.</summary>
    public AuditCheckpoint? LastCheckpoint => ValidCheckpoints.Count == 0 ? null : ValidCheckpoints.MaxBy(c => (c.Seq, c.Number));

    /// <summary>Everything wrong, by seq.</summary>
    public IReadOnlyList<AuditProblem> Problems { get; }

    /// <summary>The first problem (lowest seq), or null.</summary>
    public AuditProblem? FirstProblem => Problems.Count == 0 ? null : Problems[0];

    /// <summary>The first bad seq, or null for a good trail.</summary>
    public long? FirstBadSeq => FirstProblem?.Seq;

    /// <summary>What is not wrong but limits what the verification proves (unsigned tail, unchecked revocation, missing triggers).</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>
/// Verifies a trail, from the database or from a jsonl export: recomputes every hash and link, checks each
/// checkpoint's signature with the gateway certificate from the certs folder (which must chain to its CA), and walks
/// the chain back from every valid checkpoint. Finds an edited, deleted, inserted or reordered entry, and a cut tail
/// below the last checkpoint; entries after the last checkpoint are only as good as the chain (a warning says how many).
/// </summary>
public sealed class AuditVerifier(TrustStore trust, TimeProvider time)
{
    /// <summary>Verifies the trail in a database (one read snapshot).</summary>
    public AuditVerification Verify(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var analysis = new Analysis(trust, time.GetUtcNow(), fromExport: false);
        if (!AuditLog.HasSchema(connection))
        {
            analysis.Problem(1, "the database has no audit trail: the audit tables are missing", content: false);
            return analysis.Finish();
        }

        using var snapshot = connection.BeginTransaction(deferred: true);
        foreach (var row in AuditLog.ReadCheckpointRows(connection, snapshot))
        {
            analysis.AddCheckpoint(row, line: 0);
        }

        long index = 0;
        AuditProblem? personIndex;
        using (var indexCheck = new PersonIndexCheck(connection, snapshot))
        {
            foreach (var row in AuditLog.ReadRows(connection, snapshot))
            {
                analysis.AddEntry(row, ++index);
                indexCheck.Observe(row);
            }

            personIndex = indexCheck.Finish();
        }

        var missing = MissingTriggers(connection, snapshot);
        if (missing.Count > 0)
        {
            analysis.Warn($"the append-only triggers {string.Join(", ", missing)} are missing: someone dropped them");
        }

        snapshot.Commit();
        return analysis.Finish(personIndex);
    }

    /// <summary>Verifies a jsonl export.</summary>
    public AuditVerification VerifyExport(TextReader jsonl)
    {
        ArgumentNullException.ThrowIfNull(jsonl);
        var analysis = new Analysis(trust, time.GetUtcNow(), fromExport: true);
        foreach (var line in AuditJsonl.Read(jsonl))
        {
            if (line.Entry is not null)
            {
                analysis.AddEntry(line.Entry, line.Line);
            }
            else if (line.Checkpoint is not null)
            {
                analysis.AddCheckpoint(line.Checkpoint, line.Line);
            }
            else
            {
                analysis.AddEntry(new EntryRow(null, null, line.Problem), line.Line);
            }
        }

        return analysis.Finish();
    }

    private static List<string> MissingTriggers(SqliteConnection connection, SqliteTransaction snapshot)
    {
        using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
        using var reader = command.ExecuteReader();
        var present = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            present.Add(reader.GetString(0));
        }

        return [.. AuditLog.Triggers.Where(t => !present.Contains(t))];
    }

    /// <summary>
    /// Checks the person index alongside the verifier's one pass over the entries. The index is built from the entries'
    /// own subjects, behind the trail: up to the seq it has reached, the people it lists for each entry must be exactly
    /// the entry's, or a query by person would miss (or wrongly list) that entry. Finds the first entry where they differ.
    /// </summary>
    private sealed class PersonIndexCheck : IDisposable
    {
        private readonly SqliteCommand runs;
        private readonly SqliteDataReader runReader;
        private readonly long upto;
        private readonly List<(string Key, long Last)> active = [];
        private bool pending;
        private AuditProblem? problem;

        public PersonIndexCheck(SqliteConnection connection, SqliteTransaction snapshot)
        {
            upto = AuditLog.IndexedUpTo(connection, snapshot);
            runs = connection.CreateCommand();
            runs.Transaction = snapshot;
            runs.CommandText = "SELECT subject_key, first_seq, last_seq FROM audit_subjects ORDER BY first_seq";
            runReader = runs.ExecuteReader();
            pending = runReader.Read();
        }

        /// <summary>The next entry row, in seq order.</summary>
        public void Observe(EntryRow row)
        {
            if (problem is not null || row.Seq is not { } seq)
            {
                return;
            }

            while (pending && runReader.GetInt64(1) <= seq)
            {
                if (runReader.GetInt64(2) > upto)
                {
                    problem = new AuditProblem(runReader.GetInt64(1), $"the person index lists entries after the seq it says it has reached ({upto})");
                    return;
                }

                active.Add((runReader.GetString(0), runReader.GetInt64(2)));
                pending = runReader.Read();
            }

            active.RemoveAll(run => run.Last < seq);
            if (seq > upto || row.Entry is not { } entry)
            {
                return;
            }

            var listed = active.Select(run => run.Key).Order(StringComparer.Ordinal).ToList();
            if (!listed.SequenceEqual(entry.Subjects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                problem = new AuditProblem(seq, "the person index (audit_subjects) does not list exactly this entry's people: a query by person would miss or misattribute it");
            }
        }

        /// <summary>The first disagreement, or null.</summary>
        public AuditProblem? Finish() =>
            problem ?? (pending && runReader.GetInt64(1) <= upto
                ? new AuditProblem(runReader.GetInt64(1), "the person index lists an entry that is not in the trail")
                : null);

        public void Dispose()
        {
            runReader.Dispose();
            runs.Dispose();
        }
    }

    /// <summary>A SHA-256 value held in 32 bytes rather than a 64-character string: the verifier keeps one per entry.</summary>
    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest? Parse(string? hex)
        {
            if (hex is null || hex.Length != 64 || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            {
                return null;
            }

            var bytes = Convert.FromHexString(hex);
            return new Digest(
                BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(0)),
                BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)),
                BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(16)),
                BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(24)));
        }
    }

    /// <summary>What the verifier keeps of one entry: where it was, its seq, its link and its stored and recomputed hashes.</summary>
    private readonly record struct Link(long Line, long Seq, Digest? Prev, Digest? Stored, Digest? Computed);

    private sealed class Analysis(TrustStore trust, DateTimeOffset now, bool fromExport)
    {
        private static readonly Digest GenesisDigest = Digest.Parse(AuditChain.Genesis)!.Value;

        private readonly List<Link> links = [];
        private readonly Dictionary<int, string> malformed = [];
        private readonly List<(CheckpointRow Row, long Line, long NearSeq)> checkpoints = [];
        private readonly List<(AuditProblem Problem, bool Content)> problems = [];
        private readonly List<string> warnings = [];
        private (long Seq, string Hash)? head;

        public void Warn(string warning) => warnings.Add(warning);

        public void Problem(long seq, string reason, bool content) => problems.Add((new AuditProblem(seq, reason), content));

        public void AddEntry(EntryRow row, long line)
        {
            if (row.Entry is { } entry)
            {
                links.Add(new Link(line, entry.Seq, Digest.Parse(entry.PrevHash), Digest.Parse(entry.Hash), Digest.Parse(AuditChain.ComputeHash(entry))));
                head = (entry.Seq, entry.Hash);
                return;
            }

            malformed[links.Count] = row.Problem ?? "malformed";
            links.Add(new Link(line, row.Seq ?? 0, null, null, null));
        }

        public void AddCheckpoint(CheckpointRow row, long line) =>
            checkpoints.Add((row, line, links.Count == 0 ? 1 : Math.Max(1, links[^1].Seq)));

        public AuditVerification Finish(AuditProblem? personIndex = null)
        {
            var valid = CheckCheckpoints();
            var bySeq = IndexBySeq();
            Forward(bySeq);
            var authentic = WalkBack(valid, bySeq);
            FindInserted(bySeq, authentic);
            AddWarnings(valid);

            // After the chain's own findings, so that at the same seq the reason given is the chain's.
            if (personIndex is not null)
            {
                Problem(personIndex.Seq, personIndex.Reason, content: false);
            }

            // A forward-pass guess that an entry was altered is dropped when a signed checkpoint proves that entry genuine.
            var final = problems
                .Where(p => !p.Content || !bySeq.TryGetValue(p.Problem.Seq, out var at) || !at.Any(i => authentic[i]))
                .Select(p => p.Problem)
                .GroupBy(p => p.Seq)
                .Select(g => g.First())
                .OrderBy(p => p.Seq)
                .ToList();
            return new AuditVerification(links.Count, head, [.. valid.OrderBy(c => c.Number)], final, warnings);
        }

        private string At(int index) => fromExport ? $" (line {links[index].Line})" : "";

        private Dictionary<long, List<int>> IndexBySeq()
        {
            var bySeq = new Dictionary<long, List<int>>();
            for (var i = 0; i < links.Count; i++)
            {
                if (links[i].Computed is not null)
                {
                    if (!bySeq.TryGetValue(links[i].Seq, out var list))
                    {
                        bySeq[links[i].Seq] = list = new List<int>(1);
                    }

                    list.Add(i);
                }
            }

            return bySeq;
        }

        /// <summary>Checks each checkpoint's form, numbering, signer and signature; returns the good ones.</summary>
        private List<AuditCheckpoint> CheckCheckpoints()
        {
            var valid = new List<AuditCheckpoint>();
            long expectedNumber = 1;
            long lastSeq = 0;
            foreach (var (row, line, nearSeq) in checkpoints.OrderBy(c => c.Row.Number ?? long.MaxValue))
            {
                var where = fromExport ? $" (line {line})" : "";
                var seq = row.Seq is > 0 ? row.Seq.Value : nearSeq;
                if (row.Checkpoint is not { } checkpoint)
                {
                    Problem(seq, $"checkpoint #{row.Number}{where} is malformed: {row.Problem}", content: false);
                    continue;
                }

                if (checkpoint.Number != expectedNumber)
                {
                    Problem(checkpoint.Seq, checkpoint.Number > expectedNumber
                        ? $"checkpoint #{expectedNumber} is missing: the checkpoints jump to #{checkpoint.Number}{where}"
                        : $"checkpoint #{checkpoint.Number}{where} appears twice", content: false);
                }

                expectedNumber = checkpoint.Number + 1;
                if (Refusal(checkpoint) is { } refusal)
                {
                    Problem(checkpoint.Seq, $"checkpoint #{checkpoint.Number}{where} is not a valid gateway signature: {refusal}", content: false);
                    continue;
                }

                if (checkpoint.Seq < lastSeq)
                {
                    Problem(checkpoint.Seq, $"checkpoint #{checkpoint.Number}{where} signs an earlier entry than the checkpoint before it", content: false);
                }

                lastSeq = Math.Max(lastSeq, checkpoint.Seq);
                valid.Add(checkpoint);
            }

            return valid;
        }

        private string? Refusal(AuditCheckpoint checkpoint)
        {
            var certificate = trust.CertificatesFor("gateway").FirstOrDefault(c => string.Equals(c.Fingerprint, checkpoint.Signer, StringComparison.OrdinalIgnoreCase));
            if (certificate is null)
            {
                return $"it names signer {checkpoint.Signer}, which is no gateway certificate in the certs folder";
            }

            if (certificate.ECDsa is not { } key)
            {
                return $"{certificate.Subject} has no ECDSA key";
            }

            var chain = trust.Check(certificate, [], [checkpoint.Time], now, KeyUsages.DigitalSignature);
            if (chain is not null && chain.Reason != RefusalReason.StaleCrl)
            {
                return chain.ToString();
            }

            if (chain is not null)
            {
                var warning = $"revocation of {certificate.Subject} was not checked: {chain.Message}";
                if (!warnings.Contains(warning))
                {
                    warnings.Add(warning);
                }
            }

            if (Digest.Parse(checkpoint.Hash) is null || checkpoint.Seq < 1)
            {
                return "its seq or hash is malformed";
            }

            byte[] signature;
            try
            {
                signature = Convert.FromBase64String(checkpoint.Signature);
            }
            catch (FormatException)
            {
                return "the signature is not base64";
            }

            var statement = AuditChain.CheckpointStatement(checkpoint.Number, checkpoint.Seq, checkpoint.Hash, checkpoint.Time, checkpoint.Reason, checkpoint.Signer);
            try
            {
                return key.VerifyData(statement, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
                    ? null
                    : "the signature does not verify (forged, or the checkpoint was changed)";
            }
            catch (CryptographicException)
            {
                return "the signature is malformed";
            }
        }

        /// <summary>Walks the entries in stored order and records the first break: seq, link or hash.</summary>
        private void Forward(Dictionary<long, List<int>> bySeq)
        {
            var byStoredHash = new Dictionary<Digest, int>();
            var expectedPrev = GenesisDigest;
            long expectedSeq = 1;
            for (var i = 0; i < links.Count; i++)
            {
                var link = links[i];
                if (link.Computed is null)
                {
                    Problem(link.Seq > 0 ? link.Seq : expectedSeq, $"entry{At(i)} is malformed: {malformed[i]}", content: true);
                    return;
                }

                if (link.Seq != expectedSeq)
                {
                    if (link.Seq > expectedSeq && bySeq.TryGetValue(expectedSeq, out var later) && later.Any(j => j > i))
                    {
                        Problem(expectedSeq, $"entry {expectedSeq} is out of order: it comes after entry {link.Seq}{At(i)}", content: false);
                    }
                    else if (link.Seq > expectedSeq)
                    {
                        Problem(expectedSeq, link.Seq == expectedSeq + 1
                            ? $"entry {expectedSeq} is missing: entry {link.Seq}{At(i)} follows entry {expectedSeq - 1}"
                            : $"entries {expectedSeq} to {link.Seq - 1} are missing: entry {link.Seq}{At(i)} follows entry {expectedSeq - 1}", content: false);
                    }
                    else if (!ReportInserted(i, byStoredHash))
                    {
                        Problem(link.Seq, $"entry {link.Seq} appears again{At(i)} after entry {expectedSeq - 1}: inserted or reordered", content: false);
                    }

                    return;
                }

                if (link.Prev != expectedPrev)
                {
                    if (ReportInserted(i, byStoredHash))
                    {
                        return;
                    }

                    Problem(link.Computed != link.Stored ? link.Seq : link.Seq - 1, link.Computed != link.Stored
                        ? $"entry {link.Seq}{At(i)} was altered: its content does not hash to its stored hash"
                        : $"entry {link.Seq - 1} was altered and rehashed: entry {link.Seq}{At(i)} links to a different hash", content: true);
                    return;
                }

                if (link.Computed != link.Stored)
                {
                    Problem(link.Seq, $"entry {link.Seq}{At(i)} was altered (or moved): its content does not hash to its stored hash", content: true);
                    return;
                }

                byStoredHash.TryAdd(link.Stored!.Value, i);
                expectedPrev = link.Stored.Value;
                expectedSeq++;
            }
        }

        /// <summary>When entry i links to an entry further back than the one before it, what lies between was inserted.</summary>
        private bool ReportInserted(int i, Dictionary<Digest, int> byStoredHash)
        {
            var prev = links[i].Prev;
            if (prev is null)
            {
                return false;
            }

            var target = prev.Value == GenesisDigest ? -1 : byStoredHash.TryGetValue(prev.Value, out var j) ? j : int.MinValue;
            if (target == int.MinValue || target >= i - 1)
            {
                return false;
            }

            var inserted = links[target + 1];
            var linkedTo = target < 0 ? "the start of the chain" : $"entry {links[target].Seq}";
            Problem(inserted.Seq, $"entry {inserted.Seq}{At(target + 1)} was inserted: entry {links[i].Seq}{At(i)} links to {linkedTo}", content: false);
            return true;
        }

        /// <summary>From each valid checkpoint back towards entry 1, marks the entries the signature proves; records where the proof breaks.</summary>
        private bool[] WalkBack(List<AuditCheckpoint> valid, Dictionary<long, List<int>> bySeq)
        {
            var authentic = new bool[links.Count];
            var present = links.Where(l => l.Computed is not null).Select(l => l.Seq).DefaultIfEmpty(0).Max();
            var descending = valid.OrderByDescending(c => c.Seq).ThenByDescending(c => c.Number).ToList();
            for (var k = 0; k < descending.Count; k++)
            {
                var checkpoint = descending[k];
                var below = descending.Skip(k + 1).FirstOrDefault(c => c.Seq < checkpoint.Seq);
                var trusted = Digest.Parse(checkpoint.Hash)!.Value;
                var s = checkpoint.Seq;
                while (s >= 1)
                {
                    var candidates = bySeq.TryGetValue(s, out var list) ? list : [];
                    if (candidates.FirstOrDefault(c => authentic[c], -1) is var known && known >= 0 && links[known].Computed == trusted)
                    {
                        break;
                    }

                    var match = candidates.FirstOrDefault(c => links[c].Computed == trusted, -1);
                    if (match < 0)
                    {
                        ReportBrokenProof(checkpoint, below, s, candidates.Count > 0, present);
                        break;
                    }

                    authentic[match] = true;
                    trusted = links[match].Prev!.Value;
                    s--;
                }

                if (s == 0 && trusted != GenesisDigest)
                {
                    Problem(1, "entry 1 does not start the chain", content: true);
                }
            }

            return authentic;
        }

        private void ReportBrokenProof(AuditCheckpoint checkpoint, AuditCheckpoint? below, long s, bool exists, long present)
        {
            var signed = $"checkpoint #{checkpoint.Number} (signed {AuditChain.FormatTime(checkpoint.Time)})";
            if (!exists && s > present)
            {
                Problem(present + 1, present + 1 == checkpoint.Seq
                    ? $"the trail was cut: it ends at entry {present} but {signed} covers entry {checkpoint.Seq}"
                    : $"the trail was cut: it ends at entry {present} but {signed} covers entries up to {checkpoint.Seq}", content: false);
            }
            else if (!exists)
            {
                Problem(s, $"entry {s} is missing: {signed} proves it existed", content: false);
            }
            else if (s == checkpoint.Seq)
            {
                var since = below is null ? "" : $"; the chain is proven up to entry {below.Seq} by checkpoint #{below.Number}, so an entry from {below.Seq + 1} on was altered and the chain rewritten";
                Problem(s, $"entry {s} does not match {signed}{since}", content: false);
            }
            else
            {
                Problem(s, $"entry {s} was altered or replaced: entry {s + 1}, proven by {signed}, links to a different hash", content: false);
            }
        }

        /// <summary>In an export, a second line for a seq the signed chain already accounts for was inserted.</summary>
        private void FindInserted(Dictionary<long, List<int>> bySeq, bool[] authentic)
        {
            foreach (var (seq, indices) in bySeq)
            {
                if (indices.Count > 1 && indices.Any(i => authentic[i]))
                {
                    foreach (var i in indices.Where(i => !authentic[i]))
                    {
                        Problem(seq, $"a second entry {seq}{At(i)} that the signed chain does not contain was inserted", content: false);
                    }
                }
            }
        }

        private void AddWarnings(List<AuditCheckpoint> valid)
        {
            if (links.Count == 0)
            {
                return;
            }

            var last = valid.Count == 0 ? null : valid.MaxBy(c => (c.Seq, c.Number));
            if (last is null)
            {
                warnings.Add("no valid signed checkpoint: the chain is consistent, but nothing proves it was not rewritten as a whole");
                return;
            }

            var after = links.Count(l => l.Seq > last.Seq);
            if (after > 0)
            {
                warnings.Add($"{after} entries after checkpoint #{last.Number} (entry {last.Seq}) are not yet covered by a signature: a cut there would not show");
            }
        }
    }
}
