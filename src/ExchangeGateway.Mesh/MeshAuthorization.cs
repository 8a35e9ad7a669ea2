using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Mesh;

/// <summary>A MESH mailbox's credentials: its id, its password and the environment's shared key. Never logged.</summary>
public sealed record MeshCredentials(string Mailbox, string Password, string SharedKey)
{
    /// <summary>Only the mailbox: the password and key stay out of any string made of this record.</summary>
    public override string ToString() => $"MESH mailbox {Mailbox}";
}

/// <summary>The <c>Authorization: NHSMESH ...</c> header MESH asks of every request.</summary>
public static class MeshAuthorization
{
    /// <summary>The scheme word before the token.</summary>
    public const string Scheme = "NHSMESH";

    /// <summary>
    /// <c>NHSMESH mailbox:nonce:nonce_count:yyyyMMddHHmm:hmac</c>, the hmac being HMAC-SHA256 with the environment's shared
    /// key over <c>mailbox:nonce:nonce_count:password:yyyyMMddHHmm</c>, in lower-case hex.
    /// </summary>
    public static string Header(MeshCredentials credentials, string nonce, int nonceCount, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var timestamp = now.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var count = nonceCount.ToString(CultureInfo.InvariantCulture);
        var hmac = Hmac(credentials.SharedKey, $"{credentials.Mailbox}:{nonce}:{count}:{credentials.Password}:{timestamp}");
        return $"{Scheme} {credentials.Mailbox}:{nonce}:{count}:{timestamp}:{hmac}";
    }

    /// <summary>HMAC-SHA256 of <paramref name="message"/> with <paramref name="key"/>, both as UTF-8, in lower-case hex.</summary>
    public static string Hmac(string key, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message)));
}
