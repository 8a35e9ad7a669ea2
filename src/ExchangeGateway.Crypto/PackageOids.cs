using Org.BouncyCastle.Asn1;

namespace ExchangeGateway.Crypto;

/// <summary>
/// The project's own object identifiers, under a private arc. 1.3.6.1.4.1.99999 is a placeholder enterprise number
/// (not registered to this project): replace it with the operator's IANA Private Enterprise Number before production.
/// </summary>
public static class PackageOids
{
    /// <summary>The arc: 1.3.6.1.4.1.99999.1 (ExchangeGateway sealed packages).</summary>
    public const string Arc = "1.3.6.1.4.1.99999.1";

    /// <summary>Signed attribute 1.3.6.1.4.1.99999.1.1: the addressee's agency id, one UTF8String.</summary>
    public static readonly DerObjectIdentifier RecipientAgencyId = new(Arc + ".1");

    /// <summary>Signed attribute 1.3.6.1.4.1.99999.1.2: the message id the gateway gave this package, one UTF8String.</summary>
    public static readonly DerObjectIdentifier MessageId = new(Arc + ".2");

    /// <summary>The prefix of the subjectAltName URI that names an agency in its certificate.</summary>
    public const string AgencyUriPrefix = "urn:exchange-gateway:agency:";
}
