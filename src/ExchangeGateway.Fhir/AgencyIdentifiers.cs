using ExchangeGateway.Domain;

namespace ExchangeGateway.Fhir;

/// <summary>Which identifier system names an agency of each type.</summary>
public static class AgencyIdentifiers
{
    /// <summary>The identifier system for an agency type (prison, cjit, community-treatment, gp, pharmacy, agency).</summary>
    public static string SystemFor(string agencyType) => agencyType switch
    {
        AgencyTypes.Prison => FhirNames.Systems.PrisonCode,
        AgencyTypes.Cjit => FhirNames.Systems.CjitArea,
        AgencyTypes.CommunityTreatment => FhirNames.Systems.ProviderCode,
        AgencyTypes.Gp => FhirNames.Systems.OdsOrganisation,
        _ => FhirNames.Systems.Agency,
    };
}
