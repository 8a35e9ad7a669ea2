namespace ExchangeGateway.Storage.Relational;

/// <summary>The MESH side of the outbox: rows of channel 'mesh', with the id MESH gave each.</summary>
internal sealed class SqlMeshStore(DbSession db, TimeProvider time) : IMeshStore
{
    public bool MarkSent(string messageId, string meshMessageId, string? claim = null)
    {
        (string, object?)[] parameters =
            [("@d", MessageStatus.Delivered), ("@mesh", meshMessageId), ("@now", Now), ("@m", messageId), ("@q", MessageStatus.Queued), ("@claim", claim)];
        return db.Run(
            "UPDATE messages SET status = @d, attempts = attempts + 1, mesh_message_id = @mesh, last_error = NULL, claimed_by = NULL, updated_ms = @now "
            + "WHERE message_id = @m AND channel = 'mesh' AND status = @q" + (claim is null ? "" : " AND claimed_by = @claim"),
            claim is null ? parameters[..^1] : parameters) == 1;
    }

    public MeshSentMessage? MessageFor(string meshMessageId) =>
        db.Row("SELECT message_id, mesh_message_id, recipient FROM messages WHERE mesh_message_id = @mesh", r => new MeshSentMessage(r.GetString(0), r.GetString(1), r.GetString(2)), ("@mesh", meshMessageId));

    public string? MeshIdOf(string messageId) =>
        db.Row("SELECT mesh_message_id FROM messages WHERE message_id = @m AND mesh_message_id IS NOT NULL", r => r.GetString(0), ("@m", messageId));

    public IReadOnlyList<MeshSentMessage> Unsettled(int max) => db.Rows(
        "SELECT message_id, mesh_message_id, recipient FROM messages WHERE status = @d AND channel = 'mesh' AND mesh_message_id IS NOT NULL ORDER BY updated_ms, message_id LIMIT @max",
        r => new MeshSentMessage(r.GetString(0), r.GetString(1), r.GetString(2)), ("@d", MessageStatus.Delivered), ("@max", (long)max));

    public bool MarkAcknowledged(string messageId) => db.Run(
        "UPDATE messages SET status = @ack, updated_ms = @now WHERE message_id = @m AND channel = 'mesh' AND status = @d",
        ("@ack", MessageStatus.Acknowledged), ("@now", Now), ("@m", messageId), ("@d", MessageStatus.Delivered)) == 1;

    public bool MarkUndeliverable(string messageId, string reason) => db.Run(
        "UPDATE messages SET status = @e, last_error = @r, claimed_by = NULL, updated_ms = @now WHERE message_id = @m AND channel = 'mesh' AND status IN (@d, @q)",
        ("@e", MessageStatus.Expired), ("@r", reason), ("@now", Now), ("@m", messageId), ("@d", MessageStatus.Delivered), ("@q", MessageStatus.Queued)) == 1;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
