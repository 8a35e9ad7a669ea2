using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ExchangeGateway.Mesh;

/// <summary>
/// Where MESH is and how to reach it: its address, the mailbox's client certificate for mutual TLS, and the authority
/// MESH's server certificate must chain to (the system's trust store when none is given).
/// </summary>
public sealed class MeshConnection
{
    /// <summary>A connection; <paramref name="serverAuthority"/> null means the system's trust store.</summary>
    public MeshConnection(Uri baseAddress, X509Certificate2 clientCertificate, X509Certificate2? serverAuthority, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (baseAddress.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"the MESH address {baseAddress} must be https", nameof(baseAddress));
        }

        BaseAddress = baseAddress;
        ClientCertificate = clientCertificate;
        ServerAuthority = serverAuthority;
        Timeout = timeout;
    }

    /// <summary>MESH's base address, e.g. https://msg.intspineservices.nhs.uk.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The mailbox's TLS client certificate, with its private key.</summary>
    public X509Certificate2 ClientCertificate { get; }

    /// <summary>The authority MESH's server certificate must chain to; null for the system's trust store.</summary>
    public X509Certificate2? ServerAuthority { get; }

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Loads a PEM certificate and the PEM key beside it (<c>name.crt</c> and <c>name.key</c>), as the certs folder keeps them.</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath)
    {
        var keyPath = Path.ChangeExtension(certificatePath, ".key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            throw new FileNotFoundException($"the MESH client certificate needs {certificatePath} and its key {keyPath}");
        }

        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>A handler presenting the client certificate and checking the server's against the authority.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        ConnectTimeout = Timeout,
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [ClientCertificate],
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) => AcceptServer(certificate, chain, errors),
        },
    };

    /// <summary>
    /// A connection from settings: the address, the client certificate's PEM file (its key beside it) and, when given, the
    /// server authority's PEM file; throws <see cref="ArgumentException"/> naming the setting that is wrong.
    /// </summary>
    public static MeshConnection From(string url, string clientCertificate, string? serverAuthority, TimeSpan timeout)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"'{url}' is not an https address", nameof(url));
        }

        X509Certificate2 client;
        try
        {
            client = LoadCertificate(clientCertificate);
        }
        catch (Exception ex) when (ex is FileNotFoundException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException(ex.Message, nameof(clientCertificate), ex);
        }

        return new MeshConnection(address, client, string.IsNullOrEmpty(serverAuthority) ? null : X509CertificateLoader.LoadCertificateFromFile(serverAuthority), timeout);
    }

    private bool AcceptServer(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (ServerAuthority is null)
        {
            return errors == SslPolicyErrors.None;
        }

        // The name must match whatever the authority; the chain is built to the configured authority only, through the
        // intermediates the server presented, and the certificate must be one for a TLS server.
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ServerAuthority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }
}
