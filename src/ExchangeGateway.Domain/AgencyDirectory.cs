namespace ExchangeGateway.Domain;

/// <summary>An agency the gateway exchanges with.</summary>
public sealed record Agency(string Id, string Type, string Name, string? Endpoint = null);

/// <summary>The agencies the gateway knows, by id.</summary>
public sealed class AgencyDirectory
{
    private readonly Dictionary<string, Agency> byId = new(StringComparer.Ordinal);

    /// <summary>Builds the directory; two agencies with one id are refused.</summary>
    public AgencyDirectory(IEnumerable<Agency> agencies)
    {
        ArgumentNullException.ThrowIfNull(agencies);
        foreach (var agency in agencies)
        {
            if (!byId.TryAdd(agency.Id, agency))
            {
                throw new ArgumentException($"agency {agency.Id} is listed twice", nameof(agencies));
            }
        }

        All = [.. byId.Values];
    }

    /// <summary>Every agency, in the order given.</summary>
    public IReadOnlyList<Agency> All { get; }

    /// <summary>The agency with this id, or null.</summary>
    public Agency? Find(string id) => byId.GetValueOrDefault(id);
}
