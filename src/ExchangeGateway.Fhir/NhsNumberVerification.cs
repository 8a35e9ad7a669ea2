using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

/// <summary>The NHS number's UK Core verification status: the extension on the number's identifier, and its display text.</summary>
internal static class NhsNumberVerification
{
    /// <summary>
    /// The Patient's NHS number identifier with its verification status. A status the sender left out is written as the
    /// contract's default (02) and marked with <c>nhs-number-status-defaulted</c>, so a reader always sees a status and
    /// unmap still gives back a submission without one.
    /// </summary>
    public static Identifier Identifier(ProfileSet profiles, string nhsNumber, string? status)
    {
        var code = status ?? Client.DefaultNhsNumberStatus;
        var identifier = new Identifier(Systems.NhsNumber, nhsNumber);
        var concept = new CodeableConcept { Coding = [new Coding(UkCore.NhsNumberVerificationStatusEngland, code, Display(profiles, code))] };
        identifier.Extension.Add(new Extension(UkCore.NhsNumberVerificationStatus, concept));
        if (status is null)
        {
            identifier.Extension.Add(new Extension(StructureDefinition(Ext.NhsNumberStatusDefaulted), new FhirBoolean(true)));
        }

        return identifier;
    }

    /// <summary>The status the sender gave, read back from the identifier; null when the document only carries the default.</summary>
    public static string? SenderStatus(Identifier? identifier)
    {
        if (identifier is null || (identifier.GetExtension(StructureDefinition(Ext.NhsNumberStatusDefaulted))?.Value as FhirBoolean)?.Value == true)
        {
            return null;
        }

        return (identifier.GetExtension(UkCore.NhsNumberVerificationStatus)?.Value as CodeableConcept)?.Coding
            .FirstOrDefault(c => c.System == UkCore.NhsNumberVerificationStatusEngland)?.Code;
    }

    /// <summary>The published display of a status code, e.g. "Number present but not traced".</summary>
    public static string Display(ProfileSet profiles, string code) =>
        profiles.CodeSystemByUrl(UkCore.NhsNumberVerificationStatusEngland)?.Concept.FirstOrDefault(c => c.Code == code)?.Display
        ?? throw new InvalidOperationException($"code '{code}' is not in CodeSystem {UkCore.NhsNumberVerificationStatusEngland} (profiles/)");
}
