using System.Buffers.Binary;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Audit;

// The verifier's analysis of one trail: the forward pass, the walk back from each checkpoint, and what the signatures cover.
public sealed partial class AuditVerifier
{
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

    private sealed partial class Analysis(CheckpointKeys keys, bool fromExport, bool allowUnsignedTail, IReadOnlyList<WitnessCheckpoint> witnesses)
    {
        private static readonly Digest GenesisDigest = Digest.Parse(AuditChain.Genesis)!.Value;

        private readonly List<Link> links = [];
        private readonly Dictionary<int, string> malformed = [];
        private readonly List<(CheckpointRow Row, long Line, long NearSeq)> checkpoints = [];
        private readonly List<(AuditProblem Problem, bool Content)> problems = [];
        private readonly List<string> warnings = [];
        private (long Seq, string Hash)? head;

        // The checkpoint on the last line read, or null when the last line was an entry: an export must end with its own.
        private (CheckpointRow Row, long Line)? lastLineCheckpoint;
        private long lastLine;

        public void Warn(string warning) => warnings.Add(warning);

        public void Problem(long seq, string reason, bool content) => problems.Add((new AuditProblem(seq, reason), content));

        public void AddEntry(EntryRow row, long line)
        {
            lastLineCheckpoint = null;
            lastLine = line;
            if (row.Entry is { } entry)
            {
                var canonical = System.Text.Encoding.UTF8.GetBytes(AuditChain.CanonicalForm(entry));
                var computed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(canonical));
                links.Add(new Link(line, entry.Seq, Digest.Parse(entry.PrevHash), Digest.Parse(entry.Hash), Digest.Parse(computed)));
                head = (entry.Seq, entry.Hash);
                Grow(entry.Seq, canonical);
                return;
            }

            rangeBroken = true;
            malformed[links.Count] = row.Problem ?? "malformed";
            links.Add(new Link(line, row.Seq ?? 0, null, null, null));
        }

        public void AddCheckpoint(CheckpointRow row, long line)
        {
            lastLineCheckpoint = (row, line);
            lastLine = line;
            checkpoints.Add((row, line, links.Count == 0 ? 1 : Math.Max(1, links[^1].Seq)));
            if (row.Seq is { } seq)
            {
                wantedRoots.Add(seq);
                if (!rangeBroken && range.Size == seq)
                {
                    roots[seq] = range.Root();
                }
            }
        }

        /// <summary>
        /// The findings. <paramref name="outbox"/> are rows of the outbox the trail has no entry for; each is kept, where
        /// the chain's findings keep only the first reason per seq.
        /// </summary>
        public AuditVerification Finish(AuditProblem? personIndex = null, IReadOnlyList<AuditProblem>? outbox = null)
        {
            var valid = CheckCheckpoints();
            var bySeq = IndexBySeq();
            Forward(bySeq);
            var authentic = WalkBack(valid, bySeq);
            FindInserted(bySeq, authentic);
            CheckCoverage(valid);
            CheckRoots();
            CheckWitnesses();

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
                .Concat(outbox ?? [])
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
    }
}
