namespace ExchangeGateway.Domain;

/// <summary>The event types of the contract.</summary>
public static class EventTypes
{
    public const string Transfer = "transfer";
    public const string ReleaseNotice = "release-notice";
    public const string Release = "release";
    public const string Reception = "reception";
}

/// <summary>The recipient (agency) types of the contract.</summary>
public static class AgencyTypes
{
    public const string Prison = "prison";
    public const string Cjit = "cjit";
    public const string CommunityTreatment = "community-treatment";
    public const string Gp = "gp";
}

/// <summary>Medications that are opioid substitution therapy.</summary>
public static class OstMedications
{
    private static readonly HashSet<string> Codes =
    [
        "methadone-oral-solution-1mg-ml",
        "buprenorphine-sublingual",
        "buprenorphine-prolonged-release-injection",
        "buprenorphine-naloxone-sublingual",
    ];

    /// <summary>True for methadone and buprenorphine products.</summary>
    public static bool Contains(string medication) => Codes.Contains(medication);
}
