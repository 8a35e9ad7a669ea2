namespace ExchangeGateway.Domain;

/// <summary>What the gateway remembers about a person from earlier submissions (used for `reception`).</summary>
public sealed record KnownAgencies(string? GpPractice, string? CjitArea);
