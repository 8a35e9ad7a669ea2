using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>Parses FHIR JSON into a Bundle, reporting failure as a message rather than an exception.</summary>
public static class FhirDocumentJson
{
    // Syntax, unknown elements and wrong types fail here; missing required elements are left to
    // DocumentValidator, where Firely's validator reports them against the profiles with their location.
    /// <summary>The one deserializer for documents read from outside.</summary>
    internal static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings().Ignoring(
    [
        Hl7.Fhir.Validation.CodedValidationException.MANDATORY_ELEMENT_MUST_BE_PRESENT_CODE,
        Hl7.Fhir.Validation.CodedValidationException.INCORRECT_CARDINALITY_MIN_CODE,
    ]));

    /// <summary>
    /// Reads a resource from outside with <see cref="Deserializer"/>. Throws what it throws (FormatException, JsonException,
    /// DeserializationFailedException, ...), and FormatException where the Firely SDK itself trips: an object with an empty
    /// property name throws IndexOutOfRangeException from inside it.
    /// </summary>
    internal static Resource Deserialize(string json)
    {
        try
        {
            return Deserializer.Deserialize<Resource>(json);
        }
        catch (IndexOutOfRangeException ex)
        {
            throw new FormatException($"a property the FHIR reader cannot read (an empty name?): {ex.Message}", ex);
        }
    }

    /// <summary>True and the bundle when the text is an R4 Bundle; false and the reason otherwise.</summary>
    public static bool TryParse(string json, out Bundle? bundle, out string? problem)
    {
        try
        {
            if (Deserialize(json) is Bundle parsed)
            {
                bundle = parsed;
                problem = null;
                return true;
            }

            bundle = null;
            problem = "Bundle: the document is a FHIR resource but not a Bundle";
            return false;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or DeserializationFailedException)
        {
            bundle = null;
            problem = $"Bundle: not a readable FHIR R4 Bundle: {ex.Message}";
            return false;
        }
    }
}
