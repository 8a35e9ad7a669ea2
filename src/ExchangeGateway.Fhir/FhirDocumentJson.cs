using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>Parses FHIR JSON into a Bundle, reporting failure as a message rather than an exception.</summary>
public static class FhirDocumentJson
{
    private static readonly FhirJsonParser Parser = new();

    /// <summary>True and the bundle when the text is an R4 Bundle; false and the reason otherwise.</summary>
    public static bool TryParse(string json, out Bundle? bundle, out string? problem)
    {
        try
        {
            bundle = Parser.Parse<Bundle>(json);
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or DeserializationFailedException)
        {
            bundle = null;
            problem = $"Bundle: not a readable FHIR R4 Bundle: {ex.Message}";
            return false;
        }
    }
}
