namespace ExchangeGateway.Storage.Relational;

/// <summary>Business responses, one row per answered message.</summary>
internal sealed class SqlResponseStore(DbSession db) : IResponseStore
{
    private const string ResponseColumns = "r.message_id, r.responder, r.outcome, r.body, r.at_ms, r.notice_message_id";

    public AddressedMessage? Addressed(string messageId, string agencyId) => db.Row("""
        SELECT m.message_id, m.submission_id, s.sender, m.event_type, m.recipient, m.recipient_type, m.channel, m.status, m.created_ms
        FROM messages m JOIN submissions s ON s.submission_id = m.submission_id
        WHERE m.message_id = @m AND m.recipient = @a
        """,
        r => new AddressedMessage(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            DeliveryChannelNames.Parse(r.GetString(6)), r.GetString(7), Columns.Time(r, 8)),
        ("@m", messageId), ("@a", agencyId));

    public StoredResponse? Find(string messageId) =>
        db.Row($"SELECT {ResponseColumns} FROM responses r WHERE r.message_id = @m", Read, ("@m", messageId));

    public bool Record(StoredResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // ON CONFLICT: a second instance storing an answer to the same message at the same moment waits for the first to
        // commit and then writes nothing, so the caller can compare the two answers instead of failing.
        return db.Run("""
            INSERT INTO responses(message_id, responder, outcome, body, at_ms, notice_message_id) VALUES(@m, @r, @o, @b, @at, @n)
            ON CONFLICT (message_id) DO NOTHING
            """,
            ("@m", response.MessageId), ("@r", response.Responder), ("@o", response.Outcome), ("@b", response.Body),
            ("@at", response.At.ToUnixTimeMilliseconds()), ("@n", response.NoticeMessageId)) == 1;
    }

    /// <summary>Reads a response from the columns of <see cref="ResponseColumns"/> starting at <paramref name="first"/>; null when the first is null (no response).</summary>
    internal static StoredResponse? Read(System.Data.Common.DbDataReader reader, int first) =>
        reader.IsDBNull(first)
            ? null
            : new StoredResponse(reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3),
                Columns.Time(reader, first + 4), Columns.Text(reader, first + 5));

    private static StoredResponse Read(System.Data.Common.DbDataReader reader) => Read(reader, 0)!;
}
