namespace ExchangeGateway.Domain;

/// <summary>The event types of the contract.</summary>
public static class EventTypes
{
    public const string Transfer = "transfer";
    public const string ReleaseNotice = "release-notice";
    public const string Release = "release";
    public const string Reception = "reception";
    public const string ReceptionReply = "reception-reply";
    public const string Engagement = "engagement";

    /// <summary>True for the types a community agency sends in reply to a message it received: no DIR, routed from <c>event.inReplyTo</c>.</summary>
    public static bool IsReply(string eventType) => eventType is ReceptionReply or Engagement;
}

/// <summary>The outcomes an engagement report may give.</summary>
public static class EngagementOutcomes
{
    public const string Attended = "attended";
    public const string DidNotAttend = "did-not-attend";
    public const string Engaged = "engaged";
    public const string Disengaged = "disengaged";
    public const string NotKnownToService = "not-known-to-service";
}

/// <summary>The recipient (agency) types of the contract.</summary>
public static class AgencyTypes
{
    public const string Prison = "prison";
    public const string Cjit = "cjit";
    public const string CommunityTreatment = "community-treatment";
    public const string Gp = "gp";

    /// <summary>The people who run the gateway: they see the operator console, and never send or receive a record.</summary>
    public const string Operator = "operator";
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
