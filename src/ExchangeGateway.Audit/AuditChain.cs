using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Audit;

/// <summary>
/// The hash chain. An entry's <c>hash</c> is the lower-case hex SHA-256 of the UTF-8 bytes of its canonical form: the
/// JSON object of every other field, <c>{"actor","details","prevHash","seq","subjects","time","type"}</c>, written
/// by RFC 8785 rules (keys sorted by UTF-16 code unit, no whitespace, minimal string escaping, integers in decimal).
/// <c>time</c> is <c>yyyy-MM-ddTHH:mm:ss.fff±hh:mm</c>; <c>subjects</c> is sorted; <c>prevHash</c> of entry 1 is 64 zeros.
/// </summary>
public static class AuditChain
{
    /// <summary>The prevHash of entry 1.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The <c>purpose</c> field of a checkpoint's line in a jsonl export, telling it from an entry's.</summary>
    public const string CheckpointPurpose = "exchange-gateway audit checkpoint";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffzzz";

    /// <summary>The time as it is stored and hashed: milliseconds and the offset, e.g. 2026-02-04T07:15:00.000+00:00.</summary>
    public static string FormatTime(DateTimeOffset time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a time in exactly the stored form (any other spelling of the same instant is refused: it would hash differently).</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out time)
        && FormatTime(time) == text;

    /// <summary>Drops sub-millisecond ticks: the stored form keeps milliseconds.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMillisecond), time.Offset);

    /// <summary>The canonical JSON of an entry without its hash: what the hash is computed over.</summary>
    public static string CanonicalForm(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return CanonicalJson.Object(Members(entry));
    }

    /// <summary>The hash an entry should have.</summary>
    public static string ComputeHash(AuditEntry entry) => Sha256Hex(CanonicalForm(entry));

    /// <summary>The canonical JSON of an entry with its hash: one line of a jsonl export.</summary>
    public static string ExportLine(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return CanonicalJson.Object(Members(entry).Append(new("hash", entry.Hash)));
    }

    /// <summary>The canonical JSON of a checkpoint with its signature: one line of a jsonl export.</summary>
    public static string ExportLine(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return CanonicalJson.Object(CheckpointMembers(checkpoint.Number, checkpoint.Seq, checkpoint.Hash, checkpoint.Time, checkpoint.Reason, checkpoint.Signer)
            .Append(new("signature", checkpoint.Signature)));
    }

    /// <summary>The stored name of a checkpoint reason.</summary>
    public static string ReasonName(CheckpointReason reason) => reason switch
    {
        CheckpointReason.Interval => "interval",
        CheckpointReason.Shutdown => "shutdown",
        CheckpointReason.Requested => "requested",
        CheckpointReason.Timer => "timer",
        CheckpointReason.Startup => "startup",
        CheckpointReason.Export => "export",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>A checkpoint reason from its stored name.</summary>
    public static bool TryParseReason(string name, out CheckpointReason reason)
    {
        foreach (var candidate in Enum.GetValues<CheckpointReason>())
        {
            if (ReasonName(candidate) == name)
            {
                reason = candidate;
                return true;
            }
        }

        reason = default;
        return false;
    }

    internal static string Sha256Hex(string canonical) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>
    /// The canonical form of an entry cut around its place in the chain, prepared ahead of the appender's transaction:
    /// the members sort as actor, details, prevHash, seq, subjects, time, type, so what comes before prevHash and what
    /// comes after seq are fixed by the draft and the time, and only prevHash and seq are filled in under the lock.
    /// </summary>
    internal sealed record EntryForm(string BeforePrevHash, string Subjects, string Type)
    {
        /// <summary>The parts of a draft's canonical form that do not depend on time or place.</summary>
        public static EntryForm Of(string actor, string canonicalDetails, string canonicalSubjects, string type) => new(
            "{\"actor\":" + CanonicalJson.Value(actor) + ",\"details\":" + canonicalDetails + ",\"prevHash\":",
            canonicalSubjects,
            CanonicalJson.Value(type));

        /// <summary>The entry's hash at <paramref name="seq"/> after <paramref name="prevHash"/>; <paramref name="time"/> is <c>CanonicalJson.Value(FormatTime(t))</c>.</summary>
        public string Hash(string prevHash, long seq, string time) => Sha256Hex(Canonical(prevHash, seq, time));

        /// <summary>The entry's canonical form at <paramref name="seq"/> after <paramref name="prevHash"/>.</summary>
        public string Canonical(string prevHash, long seq, string time) => string.Concat(
            [BeforePrevHash, CanonicalJson.Value(prevHash), ",\"seq\":", seq.ToString(CultureInfo.InvariantCulture), ",\"subjects\":", Subjects, ",\"time\":", time, ",\"type\":", Type, "}"]);
    }

    private static IEnumerable<KeyValuePair<string, object>> Members(AuditEntry entry) =>
    [
        new("actor", entry.Actor),
        new("details", entry.Details),
        new("prevHash", entry.PrevHash),
        new("seq", entry.Seq),
        new("subjects", entry.Subjects),
        new("time", FormatTime(entry.Time)),
        new("type", entry.Type),
    ];

    private static IEnumerable<KeyValuePair<string, object>> CheckpointMembers(long number, long seq, string hash, DateTimeOffset time, CheckpointReason reason, string signer) =>
    [
        new("checkpoint", number),
        new("hash", hash),
        new("purpose", CheckpointPurpose),
        new("reason", ReasonName(reason)),
        new("seq", seq),
        new("signer", signer),
        new("time", FormatTime(time)),
    ];
}
