using System.Security.Cryptography;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Http;

/// <summary>The answer a push endpoint gives: 200 once saved (<see cref="Repeat"/> when it had it already), 400 when the package does not open for this agency.</summary>
public sealed record PushReceipt(int Status, string MessageId, OpenedPackage? Opened, bool Repeat, string? Problem);

/// <summary>
/// A push endpoint's work for one agency (exg receive, the agency inbox): open the pushed package with the agency's key,
/// refuse what does not open or verify, save what does. Thread-safe: the opener is used by one caller at a time.
/// </summary>
public sealed class PushReceiver(PackageOpener opener)
{
    private readonly Lock opening = new();

    /// <summary>
    /// Opens <paramref name="package"/> and hands it to <paramref name="save"/>, which stores it durably under the message id
    /// and returns true when it was already stored. <paramref name="headerMessageId"/> is the X-Message-Id the gateway sent.
    /// </summary>
    public PushReceipt Receive(byte[] package, string? headerMessageId, Func<string, OpenedPackage, bool> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        var claimed = headerMessageId ?? "";
        OpenedPackage? opened;
        PackageRefusal? refusal;
        try
        {
            lock (opening)
            {
                if (!opener.TryOpen(package, out opened, out refusal))
                {
                    return new PushReceipt(400, claimed, null, false, $"refused: {refusal}");
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or FormatException)
        {
            return new PushReceipt(400, claimed, null, false, $"cannot open it: {ex.Message}");
        }

        if (FromTheGateway(opened!) is { } problem)
        {
            return new PushReceipt(400, claimed, null, false, problem);
        }

        // The signed message id, not the header, names the message: the header is not covered by the signature.
        var messageId = opened!.MessageId!;

        try
        {
            return new PushReceipt(200, messageId, opened, save(messageId, opened), null);
        }
        catch (IOException ex)
        {
            // Not the sender's fault: 503 makes the gateway try again later rather than give the message up.
            return new PushReceipt(503, messageId, null, false, $"cannot save it: {ex.Message}");
        }
    }

    /// <summary>
    /// Why an opened package is not a message from the gateway, or null: it must be signed by the hub's certificate (any
    /// agency of the CA can sign; only the gateway routes with consent and audit) and carry a signed, plain message id.
    /// </summary>
    public static string? FromTheGateway(OpenedPackage opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        if (opened.Signer.AgencyId != PackageOpener.GatewayAgencyId)
        {
            return $"refused: signed by {opened.Signer.AgencyId ?? "a certificate naming no agency"}, not by the gateway";
        }

        return opened.MessageId is { } id && IsSafeMessageId(id) ? null : "refused: the package carries no signed message id that is a plain identifier";
    }

    /// <summary>True for an id usable as a file name: letters, digits, '-', '_' and '.', not starting with '.'.</summary>
    public static bool IsSafeMessageId(string messageId) =>
        messageId.Length is > 0 and <= 100 && messageId[0] != '.' && messageId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
