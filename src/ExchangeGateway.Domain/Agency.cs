namespace ExchangeGateway.Domain;

/// <summary>
/// An agency the gateway can send to: its id (prison code, CJIT area, provider code or ODS code), type and name, and how
/// it receives: pushed to its endpoint, through MESH, or (neither) from its mailbox at the gateway.
/// </summary>
public sealed record Agency(string Id, string Type, string Name, string? Endpoint = null, MeshAddress? Mesh = null);

/// <summary>An agency's MESH mailbox and the workflow its records travel under.</summary>
public sealed record MeshAddress(string Mailbox, string WorkflowId);

/// <summary>The agencies the gateway knows, by id.</summary>
public sealed class AgencyDirectory
{
    private static readonly HashSet<string> Types = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp, AgencyTypes.Operator];

    private readonly Dictionary<string, Agency> byId = new(StringComparer.Ordinal);

    /// <summary>A directory of the agencies; refuses an agency without an id, of an unknown type, or with an id given twice.</summary>
    public AgencyDirectory(IEnumerable<Agency> agencies)
    {
        ArgumentNullException.ThrowIfNull(agencies);
        var all = new List<Agency>();
        foreach (var agency in agencies)
        {
            ArgumentNullException.ThrowIfNull(agency, nameof(agencies));
            if (string.IsNullOrWhiteSpace(agency.Id))
            {
                throw new ArgumentException("an agency in the directory has no id", nameof(agencies));
            }

            if (!Types.Contains(agency.Type))
            {
                throw new ArgumentException($"agency {agency.Id} has type '{agency.Type}', which is not an agency type", nameof(agencies));
            }

            // Two entries for one id would make routing depend on their order.
            if (!byId.TryAdd(agency.Id, agency))
            {
                throw new ArgumentException($"agency {agency.Id} is in the directory more than once", nameof(agencies));
            }

            all.Add(agency);
        }

        All = all;
    }

    /// <summary>Every agency, in the order given.</summary>
    public IReadOnlyList<Agency> All { get; }

    /// <summary>The agency with that id (exact match), or null.</summary>
    public Agency? Find(string id) => byId.GetValueOrDefault(id);
}
