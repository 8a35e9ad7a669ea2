using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Fhir;

/// <summary>Name-based UUIDs, so the same submission always maps to the same fullUrls (byte-identical output).</summary>
public static class DeterministicId
{
    /// <summary>A urn:uuid for one role (e.g. "Patient") within one submission.</summary>
    public static string Urn(string submissionId, string role)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{submissionId}\n{role}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, hash-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return "urn:uuid:" + new Guid(bytes, bigEndian: true).ToString("D");
    }
}
