using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering;

/// <summary>The documents the gateway writes itself (its alerts and business responses), which carry no record to unmap.</summary>
public static class GatewayNotices
{
    private static readonly HashSet<string> DocumentTypes = new(StringComparer.Ordinal)
    {
        OverdueReleaseAlertMapper.DocumentType,
        EscalationAlertMapper.DocumentType,
        UnplannedReleaseAlertMapper.DocumentType,
        ResponseDocumentMapper.DocumentType,
    };

    /// <summary>The notice's document-type code, or null when the Bundle is not one of the gateway's own notices.</summary>
    public static string? TypeOf(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var type = (bundle.Entry.FirstOrDefault()?.Resource as Composition)?.Type?.Coding
            .FirstOrDefault(c => c.System == FhirNames.CodeSystem(FhirNames.Cs.DocumentType))?.Code;
        return type is not null && DocumentTypes.Contains(type) ? type : null;
    }

    /// <summary>True for a business response, which is about a message rather than a person.</summary>
    public static bool IsResponse(string documentType) => documentType == ResponseDocumentMapper.DocumentType;
}
