using System.Security.Cryptography;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Audit;

// The checks on the signatures: each checkpoint's signer and signature, and whether they reach the head.
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
