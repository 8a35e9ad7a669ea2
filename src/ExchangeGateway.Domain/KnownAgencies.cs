namespace ExchangeGateway.Domain;

/// <summary>What the gateway remembers about a person from earlier submissions: their GP practice and CJIT area.</summary>
public sealed record KnownAgencies(string? GpPractice, string? CjitArea);
