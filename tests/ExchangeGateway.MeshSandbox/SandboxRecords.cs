using System.Security.Cryptography.X509Certificates;

namespace ExchangeGateway.MeshSandbox;

/// <summary>A mailbox the sandbox knows: its id, password, ODS code and the workflows it may receive.</summary>
public sealed record SandboxMailbox(string Id, string Password, string OdsCode, IReadOnlyCollection<string> Workflows);

/// <summary>How to start a sandbox: its mailboxes, the environment's shared key, its TLS identity and the authority clients must chain to, and its clock.</summary>
public sealed record SandboxOptions(
    IReadOnlyList<SandboxMailbox> Mailboxes, string SharedKey, X509Certificate2 ServerCertificate, X509Certificate2 ClientAuthority, TimeProvider Time);

/// <summary>One message in the sandbox, as MESH holds it.</summary>
public sealed class SandboxMessage
{
    /// <summary>MESH's id for it.</summary>
    public required string Id { get; init; }

    /// <summary>DATA or REPORT.</summary>
    public required string Type { get; init; }

    /// <summary>The sending mailbox.</summary>
    public required string From { get; init; }

    /// <summary>The receiving mailbox.</summary>
    public required string To { get; init; }

    /// <summary>The workflow.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Every mex- header the sender gave (and, for a report, the status headers).</summary>
    public required Dictionary<string, string> Headers { get; init; }

    /// <summary>The chunks, by number from 1; null until uploaded.</summary>
    public required byte[]?[] Chunks { get; init; }

    /// <summary>When MESH took the first chunk.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>accepted, acknowledged or undeliverable.</summary>
    public string Status { get; set; } = "accepted";

    /// <summary>The status code MESH gives with it (00, or 14 for expiry).</summary>
    public string StatusCode { get; set; } = "00";

    /// <summary>True once every chunk is in.</summary>
    public bool Complete => Chunks.All(c => c is not null);

    /// <summary>The whole content, chunks joined.</summary>
    public byte[] Content => [.. Chunks.SelectMany(c => c ?? [])];
}
