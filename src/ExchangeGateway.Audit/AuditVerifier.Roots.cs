namespace ExchangeGateway.Audit;

// The Merkle tree the verifier computes while it reads the entries: the roots checkpoints and kept checkpoints sign,
// checked against the entries, and the stored tree checked against them.
public sealed partial class AuditVerifier
{
    private sealed partial class Analysis
    {
        // The Merkle tree over the entries read so far in seq order (broken at the first gap or malformed row), and its
        // roots at the sizes that checkpoints sign or witnesses hold.
        private readonly MerkleRange range = new();
        private readonly HashSet<long> wantedRoots = [.. witnesses.Select(w => w.Head?.Size ?? 0)];
        private readonly Dictionary<long, byte[]> roots = [];
        private readonly List<(AuditCheckpoint Checkpoint, TreeHead Head, string Where)> signedHeads = [];
        private bool rangeBroken;

        /// <summary>Asks for the root over the first <paramref name="size"/> entries (call before reading them).</summary>
        public void WantRoot(long size) => wantedRoots.Add(size);

        /// <summary>The stored tree, from which proofs are made, must give the root the entries give.</summary>
        public void CheckStoredTree(Storage.IAuditStore store, long treeSize)
        {
            if (treeSize == 0 || RootAt(treeSize) is not { } computed)
            {
                return;
            }

            byte[] stored;
            try
            {
                stored = AuditLog.TreeRoot(store, treeSize);
            }
            catch (InvalidOperationException ex)
            {
                Problem(treeSize, $"the stored Merkle tree over {treeSize} entries is incomplete ({ex.Message}): tree nodes were deleted", content: false);
                return;
            }

            if (!stored.AsSpan().SequenceEqual(computed))
            {
                Problem(treeSize, $"the stored Merkle tree over {treeSize} entries does not give the root the entries give: tree nodes were changed, and proofs made from them would be false", content: false);
            }
        }

        /// <summary>The root of the first <paramref name="size"/> entries as read, or null when the trail breaks before.</summary>
        public byte[]? RootAt(long size) => size == 0 ? MerkleTree.EmptyRoot() : roots.GetValueOrDefault(size);

        // Entry seq's leaf joins the tree when it is the next one; anything else breaks the tree from there.
        private void Grow(long seq, byte[] canonical)
        {
            if (rangeBroken || seq != range.Size + 1)
            {
                rangeBroken = true;
                return;
            }

            range.Append(MerkleTree.LeafHash(canonical));
            if (wantedRoots.Contains(range.Size))
            {
                roots[range.Size] = range.Root();
            }
        }

        // A valid checkpoint's root must be the root of the entries as read: else entries up to it were rewritten since.
        // After the chain's findings, which name the entry where they can.
        private void CheckRoots()
        {
            foreach (var (checkpoint, treeHead, where) in signedHeads)
            {
                if (RootAt(checkpoint.Seq) is { } root && !root.AsSpan().SequenceEqual(treeHead.RootHash))
                {
                    Problem(checkpoint.Seq, $"checkpoint #{checkpoint.Number}{where} signs the tree root {Convert.ToBase64String(treeHead.RootHash)} over {checkpoint.Seq} entries, but the entries give {Convert.ToBase64String(root)}: entries up to {checkpoint.Seq} were changed since it was signed", content: false);
                }
            }
        }

        /// <summary>Each checkpoint an agency kept must agree with the trail: its entries still there, and the same root over them.</summary>
        private void CheckWitnesses()
        {
            var present = links.Where(l => l.Computed is not null).Select(l => l.Seq).DefaultIfEmpty(0).Max();
            foreach (var witness in witnesses)
            {
                if (witness.Head is not { } kept)
                {
                    Problem(1, $"kept checkpoint {witness.Name} is not a checkpoint of this gateway: {witness.Refusal}", content: false);
                    continue;
                }

                if (kept.Size > present)
                {
                    Problem(present + 1, $"the trail contradicts kept checkpoint {witness.Name}: it was signed over {kept.Size} entries, but the trail ends at entry {present} (cut)", content: false);
                }
                else if (RootAt(kept.Size) is not { } root)
                {
                    Problem(kept.Size, $"kept checkpoint {witness.Name} (over {kept.Size} entries) cannot be checked: the trail is broken before entry {kept.Size}", content: false);
                }
                else if (!root.AsSpan().SequenceEqual(kept.RootHash))
                {
                    Problem(kept.Size, $"the trail contradicts kept checkpoint {witness.Name}: its root over the first {kept.Size} entries is {Convert.ToBase64String(kept.RootHash)}, the trail's entries give {Convert.ToBase64String(root)} (rewritten)", content: false);
                }
            }
        }
    }
}
