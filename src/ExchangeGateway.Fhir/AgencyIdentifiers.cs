using ExchangeGateway.Domain;

namespace ExchangeGateway.Fhir;

/// <summary>Which identifier system names an agency of each type.</summary>
public static class AgencyIdentifiers
{
    /// <summary>The identifier system for an agency type (prison, cjit, community-treatment, gp, pharmacy, agency).</summary>
    public static string SystemFor(string agencyType) => agencyType switch
    {
        AgencyTypes.Prison => FhirNames.Id.PrisonCode,
        AgencyTypes.Cjit => FhirNames.Id.CjitArea,
        AgencyTypes.CommunityTreatment => FhirNames.Id.ProviderCode,
        AgencyTypes.Gp => FhirNames.Id.OdsOrganisation,
        _ => FhirNames.Id.Agency,
    };
}
