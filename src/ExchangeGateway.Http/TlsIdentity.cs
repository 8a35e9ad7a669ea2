using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Http;

/// <summary>Mutual-TLS material for one agency or the gateway: its own certificate with key, and the trust it checks the other side against.</summary>
public sealed class TlsIdentity
{
    private static readonly ConditionalWeakTable<X509Certificate, StrongBox<string?>> AgenciesByCertificate = new();

    private readonly TimeProvider time;

    private TlsIdentity(string agencyId, X509Certificate2 certificate, TrustStore trust, TimeProvider time)
    {
        AgencyId = agencyId;
        Certificate = certificate;
        Trust = trust;
        this.time = time;
    }

    /// <summary>The agency id this identity speaks as.</summary>
    public string AgencyId { get; }

    /// <summary>The certificate with its private key, presented in the TLS handshake.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificates, agency certificates and CRLs of the certs folder.</summary>
    public TrustStore Trust { get; }

    /// <summary>Loads <c>ID.crt</c> and <c>ID.key</c> and the trust store from a certs folder.</summary>
    public static TlsIdentity Load(string certsFolder, string agencyId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var certificatePath = Path.Combine(certsFolder, agencyId + ".crt");
        var keyPath = Path.Combine(certsFolder, agencyId + ".key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            throw new FileNotFoundException($"no certificate and key for {agencyId} in {certsFolder} (expected {agencyId}.crt and {agencyId}.key)");
        }

        return new TlsIdentity(agencyId, X509Certificate2.CreateFromPemFile(certificatePath, keyPath), TrustStore.Load(certsFolder), time);
    }

    /// <summary>
    /// Checks a peer certificate against this folder's CAs and CRLs (not the machine's store, which must not decide
    /// who may send health records). Null when it is acceptable, otherwise why not.
    /// </summary>
    public string? Refusal(X509Certificate? peer)
    {
        if (peer is null)
        {
            return "no certificate presented";
        }

        var certificate = AgencyCertificate.Parse(peer.GetRawCertData());
        var now = time.GetUtcNow();
        return Trust.Check(certificate, [], [now], now, KeyUsages.DigitalSignature)?.ToString();
    }

    /// <summary>The agency a peer certificate names (SAN URI, else CN).</summary>
    /// <remarks>
    /// Read once per certificate object, which a connection keeps for all its requests: parsing it checks the RSA key
    /// (a probable-prime test on the modulus), which showed in profiles at about 1% of the CPU when done per request.
    /// </remarks>
    public static string? AgencyOf(X509Certificate? peer) =>
        peer is null ? null : AgenciesByCertificate.GetValue(peer, p => new StrongBox<string?>(AgencyCertificate.Parse(p.GetRawCertData()).AgencyId)).Value;

    /// <summary>
    /// A server-certificate check for clients: the chain is judged by this folder's trust store, and the host name
    /// must match the certificate as usual.
    /// </summary>
    public bool AcceptServer(X509Certificate? certificate, SslPolicyErrors errors) =>
        (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && Refusal(certificate) is null;

    /// <summary>An HTTP handler that presents this identity and checks the server against the trust store.</summary>
    public SocketsHttpHandler Handler(TimeSpan connectTimeout) => new()
    {
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = [Certificate],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => AcceptServer(certificate, errors),
        },
    };
}
