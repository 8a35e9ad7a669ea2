namespace ExchangeGateway.Domain;

/// <summary>What the gateway remembers about a person from earlier submissions: their GP practice, CJIT area and community treatment provider.</summary>
public sealed record KnownAgencies(string? GpPractice, string? CjitArea, string? CommunityProvider = null);
