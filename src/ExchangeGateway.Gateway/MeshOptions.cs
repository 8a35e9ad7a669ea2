namespace ExchangeGateway.Gateway;

/// <summary>
/// The gateway's own MESH mailbox (<c>Gateway__Mesh__Url</c>, <c>__Mailbox</c>, <c>__Password</c>, <c>__SharedKey</c>,
/// <c>__ClientCertificate</c>, <c>__ServerAuthority</c>); unset Url means no MESH. The password and shared key are never logged.
/// </summary>
public sealed class MeshOptions
{
    /// <summary>MESH's base address (https); empty when the gateway does not use MESH.</summary>
    public string? Url { get; set; }

    /// <summary>The gateway's MESH mailbox id.</summary>
    public string? Mailbox { get; set; }

    /// <summary>The mailbox's password.</summary>
    public string? Password { get; set; }

    /// <summary>The MESH environment's shared key (the HMAC key of the authorization header).</summary>
    public string? SharedKey { get; set; }

    /// <summary>The mailbox's TLS client certificate (PEM), its key beside it as <c>.key</c>.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>The authority MESH's server certificate must chain to (PEM); empty for the system's trust store.</summary>
    public string? ServerAuthority { get; set; }

    /// <summary>The largest chunk sent; a larger package goes in several (MESH takes up to 100 MB a chunk; 20 MB is its advice).</summary>
    public int ChunkSize { get; set; } = 20 * 1024 * 1024;

    /// <summary>How often the gateway's inbox is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often MESH is asked what became of each message it took and no report has settled.</summary>
    public TimeSpan TrackingInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one MESH request may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>True when a MESH address is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);
}
