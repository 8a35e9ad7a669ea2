using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>Business responses: who may answer a message, one answer per message, and tracking showing it, on every adapter.</summary>
public abstract class ResponseConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void A_message_is_addressed_with_everything_about_it_only_to_the_agency_it_was_sent_to()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));

        Assert.Equal(
            new AddressedMessage("m1", "s1", "HLI", EventTypes.Release, "CJIT-LEEDS", AgencyTypes.Cjit, DeliveryChannel.Push, MessageStatus.Queued, Start),
            Read(t => t.Responses.Addressed("m1", "CJIT-LEEDS")));
        Assert.Equal(
            new AddressedMessage("m2", "s1", "HLI", EventTypes.Release, "B86030", AgencyTypes.Gp, DeliveryChannel.Mailbox, MessageStatus.Queued, Start),
            Read(t => t.Responses.Addressed("m2", "B86030")));
    }

    [Fact]
    public void A_message_is_not_addressed_to_another_agency_nor_is_an_unknown_id_addressed_to_anyone()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]));

        Assert.Null(Read(t => t.Responses.Addressed("m1", "B86030")));
        Assert.Null(Read(t => t.Responses.Addressed("m2", "CJIT-LEEDS")));
        Assert.Null(Read(t => t.Responses.Addressed("no-such-message", "CJIT-LEEDS")));
    }

    [Fact]
    public void The_addressed_message_shows_its_status_as_delivery_moved_it_on()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Store.InTransaction(t => t.PushQueue.MarkDelivered("m1"));

        Assert.Equal(MessageStatus.Delivered, Read(t => t.Responses.Addressed("m1", "CJIT-LEEDS"))!.Status);
    }

    [Fact]
    public void A_recorded_response_is_found_with_every_field_and_its_time_to_the_millisecond()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var response = Response("m1", at: Start.AddTicks(12_345_678), notice: "n-m1");

        Assert.True(Store.InTransaction(t => t.Responses.Record(response)));

        Assert.Equal(response with { At = Start.AddMilliseconds(1234) }, Read(t => t.Responses.Find("m1")));
    }

    [Fact]
    public void A_response_without_a_notice_message_is_found_with_none()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        Store.InTransaction(t => t.Responses.Record(Response("m1", notice: null)));

        Assert.Null(Read(t => t.Responses.Find("m1"))!.NoticeMessageId);
    }

    [Fact]
    public void Nothing_is_found_for_a_message_without_a_response()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        Assert.Null(Read(t => t.Responses.Find("m1")));
        Assert.Null(Read(t => t.Responses.Find("no-such-message")));
    }

    [Fact]
    public void A_second_response_to_the_same_message_is_refused_and_the_first_is_kept()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var first = Response("m1", ResponseOutcomes.Accepted, Start);
        Store.InTransaction(t => t.Responses.Record(first));

        var second = Response("m1", ResponseOutcomes.Rejected, Start.AddMinutes(5), responder: "someone else", notice: "n-other");
        Assert.False(Store.InTransaction(t => t.Responses.Record(second)));
        Assert.False(Open().InTransaction(t => t.Responses.Record(first)));

        Assert.Equal(first, Read(t => t.Responses.Find("m1")));
    }

    [Fact]
    public void Tracking_shows_the_response_on_the_line_of_the_answered_message_and_none_on_the_others()
    {
        Accept(Submission("s1", messages: [Push("m1"), Mail("m2")]) with
        {
            Decisions =
            [
                new RecipientDecision("CJIT-LEEDS", AgencyTypes.Cjit, "shared", "consented", "m1"),
                new RecipientDecision("PRISON-HLI", AgencyTypes.Prison, "withheld", "not a recipient of releases", null),
                new RecipientDecision("B86030", AgencyTypes.Gp, "shared", "consented", "m2"),
            ],
        });
        var response = Response("m2");
        Store.InTransaction(t => t.Responses.Record(response));

        var track = Read(t => t.Submissions.Track("s1"));

        Assert.Equal([null, null, response], track.Select(l => l.Response));
        Assert.Equal(("m2", MessageStatus.Queued), (track[2].MessageId, track[2].Status));
    }

    [Fact]
    public void A_response_is_not_kept_when_its_unit_of_work_fails()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        Assert.Throws<InvalidOperationException>(() => Store.InTransaction<bool>(t =>
        {
            t.Responses.Record(Response("m1"));
            throw new InvalidOperationException("audit failed");
        }));

        Assert.Null(Read(t => t.Responses.Find("m1")));
        Assert.True(Store.InTransaction(t => t.Responses.Record(Response("m1"))));
    }

    /// <summary>A response as the gateway stores it: the canonical body, by the agency, with the notice sent about it.</summary>
    protected static StoredResponse Response(
        string messageId, string outcome = ResponseOutcomes.Accepted, DateTimeOffset? at = null, string responder = "CJIT-LEEDS", string? notice = "n1") =>
        new(messageId, responder, outcome, $"{{\"outcome\":\"{outcome}\",\"by\":\"{responder}\"}}", at ?? Start, notice);
}

public sealed class SqliteResponseTests : ResponseConformance<SqliteTarget>;

public sealed class PostgreSqlResponseTests : ResponseConformance<PostgreSqlTarget>;
