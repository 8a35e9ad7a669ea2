using ExchangeGateway.Mesh;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>The gateway's own MESH mailbox: one client, made from <see cref="MeshOptions"/>, checked at start.</summary>
public sealed class MeshMailbox : IDisposable
{
    /// <summary>Connects the mailbox the options name; throws <see cref="GatewayConfigurationException"/> naming each missing setting.</summary>
    public MeshMailbox(IOptions<GatewayOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mesh = options.Value.Mesh;
        Options = mesh;
        var problems = Problems(mesh);
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        MeshConnection connection;
        try
        {
            connection = MeshConnection.From(mesh.Url!, mesh.ClientCertificate!, mesh.ServerAuthority, mesh.Timeout);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            throw new GatewayConfigurationException([$"Gateway:Mesh: {ex.Message}"]);
        }

        Client = new MeshClient(connection, new MeshCredentials(mesh.Mailbox!, mesh.Password!, mesh.SharedKey!), time);
    }

    /// <summary>The client of the gateway's mailbox.</summary>
    public MeshClient Client { get; }

    /// <summary>The MESH settings.</summary>
    public MeshOptions Options { get; }

    /// <summary>What is missing or wrong in the MESH settings (names only, never a value).</summary>
    public static List<string> Problems(MeshOptions mesh)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var problems = new List<string>();
        if (!Uri.TryCreate(mesh.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("Gateway:Mesh:Url must be an https address");
        }

        foreach (var (name, value) in new[] { ("Mailbox", mesh.Mailbox), ("Password", mesh.Password), ("SharedKey", mesh.SharedKey), ("ClientCertificate", mesh.ClientCertificate) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"Gateway:Mesh:{name} is required when Gateway:Mesh:Url is set");
            }
        }

        if (!string.IsNullOrWhiteSpace(mesh.ClientCertificate) && !File.Exists(mesh.ClientCertificate))
        {
            problems.Add($"Gateway:Mesh:ClientCertificate: {mesh.ClientCertificate} does not exist");
        }

        if (!string.IsNullOrWhiteSpace(mesh.ServerAuthority) && !File.Exists(mesh.ServerAuthority))
        {
            problems.Add($"Gateway:Mesh:ServerAuthority: {mesh.ServerAuthority} does not exist");
        }

        if (mesh.ChunkSize < 1024)
        {
            problems.Add("Gateway:Mesh:ChunkSize must be at least 1024 bytes");
        }

        return problems;
    }

    /// <inheritdoc/>
    public void Dispose() => Client.Dispose();
}
