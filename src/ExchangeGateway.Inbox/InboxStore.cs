using System.Text.Json;
using ExchangeGateway.Http;

namespace ExchangeGateway.Inbox;

/// <summary>
/// The inbox's folder: per message the opened document (<c>ID.document.json</c>) and its state (<c>ID.state.json</c>),
/// each written whole or not at all. The document is written first: a message whose state file is missing was never
/// listed, acknowledged or answered 200, so the gateway sends it again and it is saved again.
/// </summary>
public sealed class InboxStore
{
    private const string DocumentSuffix = ".document.json";
    private const string StateSuffix = ".state.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string folder;
    private readonly Lock writing = new();

    /// <summary>Opens (creating) the store folder.</summary>
    public InboxStore(string folder)
    {
        this.folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(this.folder);
    }

    /// <summary>The store folder.</summary>
    public string Folder => folder;

    /// <summary>Saves a message received by <paramref name="via"/> (mailbox or push) as new; false when it was here already (a duplicate, left as it is).</summary>
    public bool Save(string messageId, byte[] document, string via, DateTimeOffset receivedAt)
    {
        var statePath = PathOf(messageId, StateSuffix);
        lock (writing)
        {
            if (File.Exists(statePath))
            {
                return false;
            }

            DurableFile.Write(PathOf(messageId, DocumentSuffix), document);
            Write(InboxItem.Of(messageId, document, via, receivedAt));
            return true;
        }
    }

    /// <summary>Every message, newest first.</summary>
    public IReadOnlyList<InboxItem> List() =>
        [.. Directory.EnumerateFiles(folder, "*" + StateSuffix).Select(Read).OfType<InboxItem>().OrderByDescending(i => i.ReceivedAt).ThenBy(i => i.MessageId, StringComparer.Ordinal)];

    /// <summary>One message, or null when there is none with that id.</summary>
    public InboxItem? Find(string messageId) => PushReceiver.IsSafeMessageId(messageId) ? Read(PathOf(messageId, StateSuffix)) : null;

    /// <summary>The opened document of a message.</summary>
    public byte[] Document(string messageId) => File.ReadAllBytes(PathOf(messageId, DocumentSuffix));

    /// <summary>Changes a message's state (and the answer shown for its last action) under the store's lock.</summary>
    public InboxItem? Update(string messageId, Func<InboxItem, InboxItem> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (writing)
        {
            if (Find(messageId) is not { } item)
            {
                return null;
            }

            var changed = change(item);
            Write(changed);
            return changed;
        }
    }

    private void Write(InboxItem item) => DurableFile.Write(PathOf(item.MessageId, StateSuffix), JsonSerializer.SerializeToUtf8Bytes(item, Json));

    private static InboxItem? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<InboxItem>(File.ReadAllBytes(path), Json) : null;
        }
        catch (JsonException)
        {
            // Written whole by DurableFile, so only a hand-edited file gets here: leave it out rather than fail the whole list.
            return null;
        }
    }

    private string PathOf(string messageId, string suffix) =>
        PushReceiver.IsSafeMessageId(messageId) ? Path.Combine(folder, messageId + suffix) : throw new ArgumentException("not a plain message id", nameof(messageId));
}
