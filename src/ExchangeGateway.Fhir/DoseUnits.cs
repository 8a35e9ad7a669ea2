namespace ExchangeGateway.Fhir;

/// <summary>The contract's dose units and their UCUM codes.</summary>
public static class DoseUnits
{
    private static readonly Dictionary<string, string> ContractToUcum = new()
    {
        ["mg"] = "mg",
        ["ml"] = "mL",
        ["microgram"] = "ug",
    };

    /// <summary>The UCUM code for a contract unit.</summary>
    public static string ToUcum(string unit) => ContractToUcum.TryGetValue(unit, out var code)
        ? code
        : throw new ArgumentOutOfRangeException(nameof(unit), unit, "not a dose unit of the contract");

    /// <summary>The contract unit for a UCUM code, or null when the contract has none.</summary>
    public static string? FromUcum(string? code) => ContractToUcum.FirstOrDefault(p => p.Value == code).Key;
}
