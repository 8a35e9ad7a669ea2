namespace ExchangeGateway.Domain;

/// <summary>Which type of agency may send each reply type; the gateway enforces it when it routes a reply.</summary>
public static class EventSenders
{
    /// <summary>
    /// True when an agency of <paramref name="agencyType"/> may file a reply of <paramref name="eventType"/>: a
    /// reception-reply comes from a service that held the person in the community (GP, CJIT, community treatment
    /// provider); an engagement report only from the services a person engages with (CJIT, provider), never a GP or
    /// a prison. False for every type that is not a reply.
    /// </summary>
    public static bool MayFileReply(string eventType, string agencyType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(agencyType);
        return eventType switch
        {
            EventTypes.ReceptionReply => agencyType is AgencyTypes.Gp or AgencyTypes.Cjit or AgencyTypes.CommunityTreatment,
            EventTypes.Engagement => agencyType is AgencyTypes.Cjit or AgencyTypes.CommunityTreatment,
            _ => false,
        };
    }
}
