namespace ExchangeGateway.Audit;

// The checks on the signatures: each checkpoint's signed tree head, and whether they reach the head.
public sealed partial class AuditVerifier
{
    private sealed partial class Analysis
    {
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
                if (Refusal(checkpoint, out var treeHead) is { } refusal)
                {
                    Problem(checkpoint.Seq, $"checkpoint #{checkpoint.Number}{where} is not a valid gateway signature: {refusal}", content: false);
                    continue;
                }

                signedHeads.Add((checkpoint, treeHead!, where));

                if (checkpoint.Seq < lastSeq)
                {
                    Problem(checkpoint.Seq, $"checkpoint #{checkpoint.Number}{where} signs an earlier entry than the checkpoint before it", content: false);
                }

                lastSeq = Math.Max(lastSeq, checkpoint.Seq);
                valid.Add(checkpoint);
            }

            return valid;
        }

        // Why a checkpoint is not a tree head signed by a trusted checkpoint key for its own number, reason, time and entry.
        private string? Refusal(AuditCheckpoint checkpoint, out TreeHead? treeHead)
        {
            treeHead = null;
            if (Digest.Parse(checkpoint.Hash) is null || checkpoint.Seq < 1)
            {
                return "its seq or hash is malformed";
            }

            string note;
            try
            {
                note = CheckpointSigner.NoteOf(checkpoint);
            }
            catch (FormatException)
            {
                return "the signature is not the base64 of a signed note";
            }

            var (opened, refusal) = keys.Open(note, checkpoint.Signer);
            if (opened is null)
            {
                return refusal;
            }

            if (opened.Size != checkpoint.Seq)
            {
                return $"its tree head is for {opened.Size} entries, not {checkpoint.Seq}";
            }

            if (opened.Extensions is not [var line] || line != CheckpointSigner.Extension(checkpoint.Number, checkpoint.Reason, checkpoint.Time, checkpoint.Hash))
            {
                return "the signed tree head's checkpoint line is not this checkpoint's number, reason, time and entry hash (changed after signing)";
            }

            treeHead = opened;
            return null;
        }

        /// <summary>
        /// The signatures must reach the head: in the database a valid checkpoint must sign the last entry, and an export
        /// must end with the checkpoint signed when it was written, over its last entry. Otherwise entries could have been
        /// cut from the end, or the tail rewritten with recomputed hashes, and nothing would show. With the unsigned tail
        /// allowed (a live gateway between checkpoints) that is a warning; an empty export never passes.
        /// </summary>
        private void CheckCoverage(List<AuditCheckpoint> valid)
        {
            var newest = valid.Count == 0 ? null : valid.MaxBy(c => (c.Seq, c.Number));
            var last = head?.Seq ?? 0;
            if (fromExport && links.Count == 0 && checkpoints.Count == 0)
            {
                Problem(1, "the export is empty: an export holds the trail's entries and ends with the checkpoint signed when it was written", content: false);
                return;
            }

            if (fromExport && ExportEndRefusal(valid) is { } refusal)
            {
                Unsigned(last + 1, refusal);
            }

            var first = (newest?.Seq ?? 0) + 1;
            if (links.Count > 0 && first <= last)
            {
                var entries = first == last ? $"entry {last}" : $"entries {first} to {last}";
                Unsigned(first, newest is null
                    ? $"no valid signed checkpoint covers {entries}: the trail could have been rewritten as a whole or its checkpoints deleted"
                    : $"{entries} {(first == last ? "is" : "are")} not covered by a signed checkpoint (the newest valid one, #{newest.Number}, signs entry {newest.Seq}): a cut or rewrite after entry {newest.Seq} would not show");
            }
        }

        private void Unsigned(long seq, string reason)
        {
            if (allowUnsignedTail)
            {
                warnings.Add(reason);
            }
            else
            {
                Problem(seq, reason + " (--allow-unsigned-tail accepts an unsigned tail, to check a live gateway between checkpoints)", content: false);
            }
        }

        /// <summary>Why the export does not end with a valid export checkpoint over its last entry, or null when it does.</summary>
        private string? ExportEndRefusal(List<AuditCheckpoint> valid)
        {
            const string Expected = "the export does not end with the checkpoint signed when it was written";
            if (lastLineCheckpoint is not { } end)
            {
                var what = head is { } h && links.Count > 0 && links[^1].Computed is not null ? $"entry {h.Seq}" : "not a checkpoint";
                return $"{Expected}: its last line (line {lastLine}) is {what}; lines were cut from its end, or it was exported without the gateway key";
            }

            if (end.Row.Checkpoint is not { } checkpoint || !valid.Contains(checkpoint))
            {
                return $"{Expected}: its last line (line {end.Line}), checkpoint #{end.Row.Number}, is not a valid gateway signature";
            }

            if (checkpoint.Reason != CheckpointReason.Export)
            {
                return $"{Expected}: its last line (line {end.Line}) is checkpoint #{checkpoint.Number} ({AuditChain.ReasonName(checkpoint.Reason)}, entry {checkpoint.Seq}); lines were cut from its end";
            }

            return head is { } last && last.Seq == checkpoint.Seq && last.Hash == checkpoint.Hash
                ? null
                : $"{Expected}: its export checkpoint #{checkpoint.Number} (line {end.Line}) signs entry {checkpoint.Seq}, but the last entry is {(head is { } h2 ? h2.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) : "missing")}";
        }
    }
}
