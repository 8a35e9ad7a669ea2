using System.Security.Cryptography;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Audit;

/// <summary>Signs checkpoints with the gateway's ECDSA P-256 key (certs/gateway.key) as the holder of certs/gateway.crt.</summary>
public sealed class CheckpointSigner
{
    private readonly ECDsa key;
    private readonly Lock signing = new();

    /// <summary>A signer from the gateway's key pair; throws CryptographicException unless it is an ECDSA key allowed to sign.</summary>
    public CheckpointSigner(KeyPair gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        key = gateway.PrivateKey as ECDsa ?? throw new CryptographicException("checkpoints are signed with ECDSA: the gateway key is not an EC key");
        if (!gateway.Certificate.Allows(KeyUsages.DigitalSignature))
        {
            throw new CryptographicException($"{gateway.Certificate.Subject} does not allow digitalSignature");
        }

        Certificate = gateway.Certificate;
    }

    /// <summary>The certificate verifiers will check the signatures with.</summary>
    public AgencyCertificate Certificate { get; }

    /// <summary>Loads gateway.crt and gateway.key from a certs folder.</summary>
    public static CheckpointSigner Load(string certsFolder) =>
        new(KeyPair.Load(Path.Combine(certsFolder, "gateway.crt"), Path.Combine(certsFolder, "gateway.key")));

    /// <summary>A checkpoint numbered <paramref name="number"/> over entry <paramref name="head"/>, signed now; the caller stores or exports it.</summary>
    internal AuditCheckpoint Checkpoint(long number, (long Seq, string Hash) head, DateTimeOffset time, CheckpointReason reason)
    {
        var signer = Certificate.Fingerprint;
        var signature = Sign(AuditChain.CheckpointStatement(number, head.Seq, head.Hash, time, reason, signer));
        return new AuditCheckpoint(number, head.Seq, head.Hash, time, reason, signer, signature);
    }

    /// <summary>Base64 of the DER (RFC 3279) ECDSA / SHA-256 signature of a statement.</summary>
    internal string Sign(byte[] statement)
    {
        // One key object shared by every appender; the platform does not promise it is safe to sign on it concurrently.
        lock (signing)
        {
            return Convert.ToBase64String(key.SignData(statement, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
    }
}
