namespace ExchangeGateway.Fhir;

/// <summary>Forenames as FHIR given names, split only where joining them again gives the same text.</summary>
public static class PersonName
{
    /// <summary>The given names for a forenames string.</summary>
    public static List<string> SplitForenames(string forenames)
    {
        var parts = forenames.Split(' ');
        return parts.All(p => p.Length > 0) ? [.. parts] : [forenames];
    }

    /// <summary>The forenames string for FHIR given names.</summary>
    public static string JoinForenames(IEnumerable<string> given) => string.Join(' ', given);
}
