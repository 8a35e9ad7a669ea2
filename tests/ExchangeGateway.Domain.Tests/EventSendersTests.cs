using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class EventSendersTests
{
    [Theory]
    [InlineData(EventTypes.ReceptionReply, AgencyTypes.Gp, true)]
    [InlineData(EventTypes.ReceptionReply, AgencyTypes.Cjit, true)]
    [InlineData(EventTypes.ReceptionReply, AgencyTypes.CommunityTreatment, true)]
    [InlineData(EventTypes.ReceptionReply, AgencyTypes.Prison, false)]
    [InlineData(EventTypes.Engagement, AgencyTypes.Cjit, true)]
    [InlineData(EventTypes.Engagement, AgencyTypes.CommunityTreatment, true)]
    [InlineData(EventTypes.Engagement, AgencyTypes.Gp, false)]
    [InlineData(EventTypes.Engagement, AgencyTypes.Prison, false)]
    [InlineData(EventTypes.Engagement, "operator", false)]
    [InlineData(EventTypes.Transfer, AgencyTypes.Prison, false)]
    [InlineData(EventTypes.Release, AgencyTypes.Gp, false)]
    public void Only_the_community_services_concerned_may_file_each_reply(string eventType, string agencyType, bool allowed) =>
        Assert.Equal(allowed, EventSenders.MayFileReply(eventType, agencyType));

    [Theory]
    [InlineData(EventTypes.ReceptionReply, true)]
    [InlineData(EventTypes.Engagement, true)]
    [InlineData(EventTypes.Transfer, false)]
    [InlineData(EventTypes.ReleaseNotice, false)]
    [InlineData(EventTypes.Release, false)]
    [InlineData(EventTypes.Reception, false)]
    public void Only_the_two_reply_types_are_replies(string eventType, bool reply) => Assert.Equal(reply, EventTypes.IsReply(eventType));
}
