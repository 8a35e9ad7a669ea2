namespace ExchangeGateway.Crypto;

/// <summary>Why a package or signed document was refused.</summary>
public enum RefusalReason
{
    /// <summary>The content or the signature does not match what was signed.</summary>
    Tampered,

    /// <summary>The package is signed for another agency, or names no addressee.</summary>
    NotAddressedToYou,

    /// <summary>The signer's certificate does not chain to a trusted CA, or is not in the package.</summary>
    UntrustedSigner,

    /// <summary>A certificate on the signer's path had expired at signing time or has expired now.</summary>
    Expired,

    /// <summary>A certificate on the signer's path was not yet valid, or the signing time is in the future.</summary>
    NotYetValid,

    /// <summary>A certificate on the path is on its issuer's CRL.</summary>
    Revoked,

    /// <summary>No current CRL from an issuer on the path: missing, past its nextUpdate, or not yet in force.</summary>
    StaleCrl,

    /// <summary>The signer's certificate does not allow digital signatures.</summary>
    WrongKeyUsage,

    /// <summary>An algorithm outside the profile: non-AEAD content encryption, PKCS#1 v1.5 key transport, weak digests.</summary>
    DisallowedAlgorithm,

    /// <summary>The structure is not a package of the profile.</summary>
    Malformed,

    /// <summary>The bytes are not the one DER encoding of the structure (BER lengths, unsorted sets, a value of the wrong type, an explicit default).</summary>
    NotDer,

    /// <summary>The package has no bytes at all.</summary>
    EmptyPackage,

    /// <summary>Every decryption failure, whatever its cause, so that none of them leaks which step failed.</summary>
    CannotDecrypt,
}

/// <summary>A refusal: its reason and a message for people.</summary>
public sealed record PackageRefusal(RefusalReason Reason, string Message)
{
    /// <summary>The one message every decryption failure carries.</summary>
    public const string CannotDecryptMessage = "cannot decrypt";

    internal static PackageRefusal CannotDecrypt { get; } = new(RefusalReason.CannotDecrypt, CannotDecryptMessage);

    /// <inheritdoc/>
    public override string ToString() => Reason == RefusalReason.CannotDecrypt ? CannotDecryptMessage : $"{ReasonName(Reason)}: {Message}";

    /// <summary>The reason as it is printed: lower case words, e.g. "not addressed to you".</summary>
    public static string ReasonName(RefusalReason reason) => reason switch
    {
        RefusalReason.Tampered => "tampered",
        RefusalReason.NotAddressedToYou => "not addressed to you",
        RefusalReason.UntrustedSigner => "untrusted signer",
        RefusalReason.Expired => "expired",
        RefusalReason.NotYetValid => "not yet valid",
        RefusalReason.Revoked => "revoked",
        RefusalReason.StaleCrl => "stale crl",
        RefusalReason.WrongKeyUsage => "wrong key usage",
        RefusalReason.DisallowedAlgorithm => "disallowed algorithm",
        RefusalReason.Malformed => "malformed",
        RefusalReason.NotDer => "not DER",
        RefusalReason.EmptyPackage => "empty package",
        RefusalReason.CannotDecrypt => "cannot decrypt",
        _ => reason.ToString(),
    };
}

/// <summary>Thrown when a package or signed document is refused; <see cref="Refusal"/> says why.</summary>
public sealed class PackageRefusedException : Exception
{
    /// <summary>Creates the exception for a refusal.</summary>
    public PackageRefusedException(PackageRefusal refusal)
        : base(refusal?.ToString())
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Refusal = refusal;
    }

    /// <summary>Creates the exception from a reason and a message.</summary>
    public PackageRefusedException(RefusalReason reason, string message)
        : this(new PackageRefusal(reason, message))
    {
    }

    /// <summary>Why the package was refused.</summary>
    public PackageRefusal Refusal { get; }

    /// <summary>The reason, for switching on.</summary>
    public RefusalReason Reason => Refusal.Reason;
}

/// <summary>Thrown when a package cannot be sealed: no usable certificate for the addressee, or an unusable signing key.</summary>
public sealed class SealingException(string message) : Exception(message);
