namespace ExchangeGateway.Audit;

/// <summary>
/// What the caller knows about an event before it is appended: type, actor, the people it concerns (as
/// <see cref="PersonKeys"/> keys) and details. <see cref="AuditLog.Append"/> adds seq, time and the hashes.
/// </summary>
/// <param name="Type">One of <see cref="AuditEventTypes"/>.</param>
/// <param name="Actor">An agency id, <c>admin:USER</c> or <c>gateway</c> (see <see cref="AuditActors"/>).</param>
public sealed record AuditRecord(string Type, string Actor)
{
    /// <summary>Person keys (<c>nhs:HEX</c>, <c>prison:HEX</c>) from <see cref="PersonKeys"/>; never identifiers in clear.</summary>
    public IReadOnlyList<string> Subjects { get; init; } = [];

    /// <summary>
    /// Strings and integers: message id, recipient, reason, legal basis, hashes. Never names or identifiers in clear;
    /// a value that looks like an NHS number or a prison number is refused.
    /// </summary>
    public IReadOnlyDictionary<string, AuditValue> Details { get; init; } = new Dictionary<string, AuditValue>();

    /// <summary>An administrator's action on one message (<c>outbox-retry</c>, <c>outbox-cancel</c>), from <c>exg outbox</c> or the operator console.</summary>
    public static AuditRecord AdminAction(string user, string action, string messageId, IReadOnlyList<string> subjects) =>
        new(AuditEventTypes.AdminAction, AuditActors.Admin(user))
        {
            Subjects = subjects,
            Details = new Dictionary<string, AuditValue>(StringComparer.Ordinal) { ["action"] = action, ["messageId"] = messageId },
        };
}

/// <summary>The forms of <see cref="AuditRecord.Actor"/>.</summary>
public static class AuditActors
{
    /// <summary>The gateway itself (timers, delivery, housekeeping).</summary>
    public const string Gateway = "gateway";

    /// <summary>An administrator, by login name.</summary>
    public static string Admin(string user)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        return "admin:" + user;
    }
}

/// <summary>One entry of the trail as stored: the record plus its place in the hash chain.</summary>
/// <param name="Seq">1, 2, 3, ... with no gaps.</param>
/// <param name="Time">When it happened, to the millisecond, with the offset it was given in.</param>
/// <param name="Type">One of <see cref="AuditEventTypes"/>.</param>
/// <param name="Actor">Who did it.</param>
/// <param name="Subjects">Person keys, sorted (ordinal) and distinct.</param>
/// <param name="Details">Strings and integers.</param>
/// <param name="PrevHash">The previous entry's hash; <see cref="AuditChain.Genesis"/> for entry 1.</param>
/// <param name="Hash">SHA-256 (lower-case hex) of <see cref="AuditChain.CanonicalForm"/>.</param>
public sealed record AuditEntry(
    long Seq,
    DateTimeOffset Time,
    string Type,
    string Actor,
    IReadOnlyList<string> Subjects,
    IReadOnlyDictionary<string, AuditValue> Details,
    string PrevHash,
    string Hash)
{
    /// <summary>The text of detail <paramref name="name"/>, or null when it is missing or a number.</summary>
    public string? DetailText(string name) => Details.TryGetValue(name, out var value) ? value.Text : null;
}

/// <summary>Why a checkpoint was signed.</summary>
public enum CheckpointReason
{
    /// <summary>Every N entries (<see cref="AuditLog.CheckpointInterval"/>).</summary>
    Interval,

    /// <summary>On shutdown: it signs the head, so a later cut of the tail shows.</summary>
    Shutdown,

    /// <summary>Asked for by an administrator or a test, or signed by the admin CLI after its own entry.</summary>
    Requested,

    /// <summary>By the gateway's timer, when the head moved since the last checkpoint: the unsigned tail of a live gateway stays seconds long.</summary>
    Timer,

    /// <summary>At start, when the stored head is not signed (the last run was killed): verify passes again after a restart.</summary>
    Startup,

    /// <summary>At the end of a jsonl export, over its last entry; not stored in the database, so no later export holds one mid-file.</summary>
    Export,
}

/// <summary>
/// A signed statement by the gateway that entry <paramref name="Seq"/> of the trail has hash <paramref name="Hash"/>
/// (and so, through the chain, what every entry before it is).
/// </summary>
/// <param name="Number">1, 2, 3, ... with no gaps.</param>
/// <param name="Seq">The entry signed: the head of the trail when the checkpoint was made.</param>
/// <param name="Hash">That entry's hash.</param>
/// <param name="Time">When it was signed (milliseconds, with offset).</param>
/// <param name="Reason">Why it was signed.</param>
/// <param name="Signer">The checkpoint key that signed it, as <c>name+keyid</c> (<see cref="CheckpointSigner.SignerName"/>).</param>
/// <param name="Signature">Base64 of the whole signed note: the signed tree head and its signature line (<see cref="CheckpointSigner.NoteOf(AuditCheckpoint)"/>).</param>
public sealed record AuditCheckpoint(long Number, long Seq, string Hash, DateTimeOffset Time, CheckpointReason Reason, string Signer, string Signature);
