using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>Seals a document for one agency as an outbox message on the agency's channel (push to its endpoint, MESH, else its mailbox).</summary>
internal static class OutgoingMessages
{
    /// <summary>The sealed message; <see cref="SealingException"/> when the agency's certificate cannot be sealed to.</summary>
    public static OutgoingMessage SealFor(this PackageSealer sealer, byte[] document, Agency agency)
    {
        var sealedPackage = sealer.Seal(document, agency.Id);
        var (channel, endpoint) = agency switch
        {
            { Mesh: { } mesh } => (DeliveryChannel.Mesh, MeshDelivery.Endpoint(mesh)),
            { Endpoint: { } url } => (DeliveryChannel.Push, url),
            _ => (DeliveryChannel.Mailbox, (string?)null),
        };
        return new OutgoingMessage(sealedPackage.MessageId, agency.Id, agency.Type, channel, endpoint, sealedPackage.Der);
    }
}
