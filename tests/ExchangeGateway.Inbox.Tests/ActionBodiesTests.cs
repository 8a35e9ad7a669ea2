using ExchangeGateway.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace ExchangeGateway.Inbox.Tests;

/// <summary>The bodies the inbox sends to the gateway's API from its forms.</summary>
public sealed class ActionBodiesTests
{
    private static readonly Client Person = new("Example", "Jordan Lee", "1988-07-21", "male", NhsNumber: "9434765919");

    [Fact]
    public void A_reply_form_sent_twice_is_one_submission_the_id_fixed_when_the_page_was_made()
    {
        var id = Guid.NewGuid().ToString();
        var form = new FormCollection(new Dictionary<string, StringValues> { ["submissionId"] = id, ["outcome"] = "attended", ["date"] = "2026-12-01" });

        var first = ActionBodies.Reply(form, EventTypes.Engagement, "CJIT-LEEDS", "m1", Person, DateTimeOffset.UnixEpoch);
        var again = ActionBodies.Reply(form, EventTypes.Engagement, "CJIT-LEEDS", "m1", Person, DateTimeOffset.UnixEpoch.AddSeconds(5));

        Assert.Equal(id, first["submissionId"]!.GetValue<string>());
        Assert.Equal(id, again["submissionId"]!.GetValue<string>());
    }

    [Fact]
    public void A_reply_form_without_a_usable_id_gets_a_new_one()
    {
        var form = new FormCollection(new Dictionary<string, StringValues> { ["submissionId"] = "../../etc", ["outcome"] = "attended", ["date"] = "2026-12-01" });

        var body = ActionBodies.Reply(form, EventTypes.Engagement, "CJIT-LEEDS", "m1", Person, DateTimeOffset.UnixEpoch);

        Assert.True(Guid.TryParse(body["submissionId"]!.GetValue<string>(), out _));
    }
}
