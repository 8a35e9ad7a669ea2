using ExchangeGateway.Audit;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway;

/// <summary>A person's keys from the deployment's audit secret: NHS number first, then prison number.</summary>
public sealed class AuditPersonKeys(PersonKeys keys) : IPersonKeys
{
    /// <inheritdoc/>
    public IReadOnlyList<string> For(Client client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = new List<string>();
        if (!string.IsNullOrEmpty(client.NhsNumber))
        {
            result.Add(keys.ForNhsNumber(client.NhsNumber));
        }

        if (!string.IsNullOrEmpty(client.PrisonNumber))
        {
            result.Add(keys.ForPrisonNumber(client.PrisonNumber));
        }

        return result;
    }
}
