using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway;

/// <summary>Pseudonymous keys for a person (keyed hashes of NHS number and prison number), never the identifiers themselves.</summary>
public interface IPersonKeys
{
    /// <summary>The person's keys, NHS number first when known.</summary>
    IReadOnlyList<string> For(Client client);
}
