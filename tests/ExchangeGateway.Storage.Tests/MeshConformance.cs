using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>The MESH side of the outbox: its own send queue, the MESH id beside each message, and what MESH says of it, on every adapter.</summary>
public abstract class MeshConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    private static OutgoingMessage Mesh(string id, string agency = "B86030") => new(id, agency, AgencyTypes.Gp, DeliveryChannel.Mesh, "XB86030/EXG_RECORD", [7, 8, 9]);

    private string? Status(string messageId) => Read(t => t.Admin.List(null, 100)).SingleOrDefault(m => m.MessageId == messageId)?.Status;

    [Fact]
    public void A_MESH_message_is_claimed_only_from_the_MESH_queue_with_its_mailbox_and_workflow()
    {
        Accept(Submission("s1", messages: [Mesh("m1"), Push("p1"), Mail("g1")]));

        Assert.Equal(["p1"], Claim(10));
        var claimed = Assert.Single(Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease)));
        Assert.Equal(("m1", "B86030", "XB86030/EXG_RECORD"), (claimed.MessageId, claimed.Recipient, claimed.Endpoint));
        Assert.Equal(new byte[] { 7, 8, 9 }, claimed.Package);
        Assert.Equal("mesh", Read(t => t.Admin.List(null, 100)).Single(m => m.MessageId == "m1").Channel);
    }

    [Fact]
    public void A_sent_message_keeps_its_MESH_id_and_is_found_by_it_until_settled()
    {
        Accept(Submission("s1", messages: [Mesh("m1"), Mesh("m2")]));
        var claims = Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease));

        Assert.False(Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", "another claim", "MESH-1")));
        Assert.True(Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", claims[0].Claim, "MESH-1")));
        Assert.False(Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", claims[0].Claim, "MESH-1b")));

        Assert.Equal((MessageStatus.Delivered, "MESH-1"), (Status("m1"), Read(t => t.Mesh.MeshIdOf("m1"))));
        Assert.Null(Read(t => t.Mesh.MeshIdOf("m2")));
        Assert.Equal(new MeshSentMessage("m1", "MESH-1", "B86030"), Read(t => t.Mesh.MessageFor("MESH-1")));
        Assert.Null(Read(t => t.Mesh.MessageFor("MESH-unknown")));
        Assert.Equal([new MeshSentMessage("m1", "MESH-1", "B86030")], Read(t => t.Mesh.Unsettled(10, Start)));
    }

    [Fact]
    public void An_acknowledged_or_undeliverable_message_is_settled_once()
    {
        Accept(Submission("s1", messages: [Mesh("m1"), Mesh("m2"), Mesh("m3")]));
        Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease));
        Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", receiverId: "MESH-1") && t.MeshQueue.MarkDelivered("m2", receiverId: "MESH-2"));

        Assert.True(Store.InTransaction(t => t.Mesh.MarkAcknowledged("m1")));
        Assert.False(Store.InTransaction(t => t.Mesh.MarkAcknowledged("m1")));
        Assert.False(Store.InTransaction(t => t.Mesh.MarkUndeliverable("m2", "MESH-1", "about another send")));
        Assert.True(Store.InTransaction(t => t.Mesh.MarkUndeliverable("m2", "MESH-2", "MESH reported it undeliverable (14)")));
        Assert.False(Store.InTransaction(t => t.Mesh.MarkUndeliverable("m2", "MESH-2", "again")));
        Assert.False(Store.InTransaction(t => t.Mesh.MarkAcknowledged("m3")));

        Assert.Equal((MessageStatus.Acknowledged, MessageStatus.Expired), (Status("m1"), Status("m2")));
        Assert.Equal("MESH reported it undeliverable (14)", Read(t => t.Admin.List(null, 100)).Single(m => m.MessageId == "m2").LastError);
        Assert.Empty(Read(t => t.Mesh.Unsettled(10, Start + TimeSpan.FromDays(1))));
    }

    [Fact]
    public void Each_unsettled_message_is_tracked_in_turn_least_recently_asked_first()
    {
        Accept(Submission("s1", messages: [Mesh("m1"), Mesh("m2"), Mesh("m3")]));
        Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease));
        Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", receiverId: "MESH-1") && t.MeshQueue.MarkDelivered("m2", receiverId: "MESH-2") && t.MeshQueue.MarkDelivered("m3", receiverId: "MESH-3"));

        Assert.Equal(["m1", "m2"], Read(t => t.Mesh.Unsettled(2, Start + TimeSpan.FromSeconds(1))).Select(m => m.MessageId));
        Store.InTransaction(t => { t.Mesh.MarkTracked("m1"); t.Mesh.MarkTracked("m2"); return 0; });
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["m3"], Read(t => t.Mesh.Unsettled(2, Start)).Select(m => m.MessageId));
        Assert.Equal(["m3", "m1"], Read(t => t.Mesh.Unsettled(2, Start + TimeSpan.FromMinutes(1))).Select(m => m.MessageId));
    }

    [Fact]
    public void A_retried_message_forgets_its_old_MESH_id_so_a_late_report_about_the_old_send_cannot_expire_it()
    {
        Accept(Submission("s1", messages: [Mesh("m1")]));
        Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease));
        Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", receiverId: "MESH-OLD") && t.Mesh.MarkUndeliverable("m1", "MESH-OLD", "expired in MESH"));

        Assert.True(Store.InTransaction(t => t.Admin.Retry("m1")));

        Assert.Null(Read(t => t.Mesh.MessageFor("MESH-OLD")));
        Assert.Null(Read(t => t.Mesh.MeshIdOf("m1")));
        Assert.Equal(MessageStatus.Queued, Status("m1"));
        var again = Assert.Single(Store.InTransaction(t => t.MeshQueue.Claim(10, [], [], "a", Lease)));
        Assert.True(Store.InTransaction(t => t.MeshQueue.MarkDelivered("m1", again.Claim, "MESH-NEW")));
        Assert.False(Store.InTransaction(t => t.Mesh.MarkUndeliverable("m1", "MESH-OLD", "late report")));
        Assert.Equal(MessageStatus.Delivered, Status("m1"));
    }
}

public sealed class SqliteMeshTests : MeshConformance<SqliteTarget>;

public sealed class PostgreSqlMeshTests : MeshConformance<PostgreSqlTarget>;
