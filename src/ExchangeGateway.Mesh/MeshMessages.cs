namespace ExchangeGateway.Mesh;

/// <summary>A file to send through MESH, with what its <c>mex-</c> headers say of it (no personal data in any of them).</summary>
public sealed record MeshOutgoing(string To, string WorkflowId, byte[] Content, string LocalId, string FileName, string Subject, bool Encrypted);

/// <summary>A message downloaded from a MESH inbox, its chunks joined; a <c>REPORT</c> carries a status and the message it is about.</summary>
public sealed record MeshIncoming(
    string MessageId, string MessageType, string? From, string? WorkflowId, string? LocalId, string? LinkedMessageId,
    string? StatusCode, string? StatusDescription, byte[] Content)
{
    /// <summary>The message type of a file an agency sent.</summary>
    public const string Data = "DATA";

    /// <summary>The message type of MESH's own report about a message (e.g. its expiry).</summary>
    public const string Report = "REPORT";
}

/// <summary>What MESH says of a message this mailbox sent (its tracking).</summary>
public sealed record MeshTracking(string MessageId, string Status, string? StatusCode, string? StatusDescription)
{
    /// <summary>True when the recipient acknowledged it.</summary>
    public bool IsAcknowledged => Status.Equals("acknowledged", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when MESH gave up on it (e.g. not collected within 5 days).</summary>
    public bool IsUndeliverable => Status.Equals("undeliverable", StringComparison.OrdinalIgnoreCase);
}

/// <summary>MESH refused a request: its HTTP status, MESH's error code when it gave one, and its words.</summary>
public sealed class MeshException : Exception
{
    /// <summary>Creates the refusal.</summary>
    public MeshException(int status, string? errorCode, string description)
        : base($"MESH answered {status}{(errorCode is null ? "" : " " + errorCode)}: {description}")
    {
        Status = status;
        ErrorCode = errorCode;
    }

    /// <summary>Creates a refusal with no HTTP status (a malformed answer, a checksum that does not match).</summary>
    public MeshException(string description)
        : base(description)
    {
    }

    /// <summary>The HTTP status (0 when there was none).</summary>
    public int Status { get; }

    /// <summary>MESH's error code, e.g. EPL-151.</summary>
    public string? ErrorCode { get; }

    /// <summary>MESH refused this mailbox's credentials (a wrong password, shared key or certificate): an administrator's fix, not the message's fault.</summary>
    public bool CredentialsRefused => Status is 401 or 403;

    /// <summary>MESH will never take this request as it is (an unknown recipient mailbox or workflow, a malformed request).</summary>
    public bool IsPermanent => Status is >= 400 and < 500 and not (401 or 403 or 408 or 429);
}
