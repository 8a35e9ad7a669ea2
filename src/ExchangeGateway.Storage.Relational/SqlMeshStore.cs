namespace ExchangeGateway.Storage.Relational;

/// <summary>The MESH side of the outbox: rows of channel 'mesh', with the id MESH gave each.</summary>
internal sealed class SqlMeshStore(DbSession db, TimeProvider time) : IMeshStore
{
    public MeshSentMessage? MessageFor(string meshMessageId) =>
        db.Row("SELECT message_id, mesh_message_id, recipient FROM messages WHERE mesh_message_id = @mesh", r => new MeshSentMessage(r.GetString(0), r.GetString(1), r.GetString(2)), ("@mesh", meshMessageId));

    public string? MeshIdOf(string messageId) =>
        db.Row("SELECT mesh_message_id FROM messages WHERE message_id = @m AND mesh_message_id IS NOT NULL", r => r.GetString(0), ("@m", messageId));

    public IReadOnlyList<MeshSentMessage> Unsettled(int max, DateTimeOffset trackedBefore) => db.Rows(
        """
        SELECT message_id, mesh_message_id, recipient FROM messages
        WHERE status = @d AND channel = 'mesh' AND mesh_message_id IS NOT NULL AND COALESCE(mesh_tracked_ms, 0) < @before
        ORDER BY COALESCE(mesh_tracked_ms, 0), message_id LIMIT @max
        """,
        r => new MeshSentMessage(r.GetString(0), r.GetString(1), r.GetString(2)),
        ("@d", MessageStatus.Delivered), ("@before", trackedBefore.ToUnixTimeMilliseconds()), ("@max", (long)max));

    public void MarkTracked(string messageId) =>
        db.Run("UPDATE messages SET mesh_tracked_ms = @now WHERE message_id = @m", ("@now", Now), ("@m", messageId));

    public bool MarkAcknowledged(string messageId) => db.Run(
        "UPDATE messages SET status = @ack, updated_ms = @now WHERE message_id = @m AND channel = 'mesh' AND status = @d",
        ("@ack", MessageStatus.Acknowledged), ("@now", Now), ("@m", messageId), ("@d", MessageStatus.Delivered)) == 1;

    public bool MarkUndeliverable(string messageId, string meshMessageId, string reason) => db.Run(
        "UPDATE messages SET status = @e, last_error = @r, updated_ms = @now WHERE message_id = @m AND channel = 'mesh' AND status = @d AND mesh_message_id = @mesh",
        ("@e", MessageStatus.Expired), ("@r", reason), ("@now", Now), ("@m", messageId), ("@d", MessageStatus.Delivered), ("@mesh", meshMessageId)) == 1;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
