using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;

namespace ExchangeGateway.Http;

/// <summary>One line of an agency's mailbox listing.</summary>
public sealed record MailboxEntry(string MessageId, string? EventType, string? SubmissionId);

/// <summary>
/// What became of one mailbox message: saved (and acknowledged), refused by the opener (left in the mailbox), or
/// refused by the gateway when fetched or acknowledged.
/// </summary>
public sealed record PulledMessage(MailboxEntry Entry, OpenedPackage? Opened, string? SavedAs, string? Refusal, GatewayResponse? GatewayRefusal)
{
    /// <summary>The audit checkpoint the gateway sent with the package (X-Audit-Checkpoint), when it sent one.</summary>
    public string? AuditCheckpoint { get; init; }

    /// <summary>True when the message was saved and acknowledged.</summary>
    public bool Succeeded => Opened is not null && Refusal is null && GatewayRefusal is null;
}

/// <summary>A mailbox emptied once: the gateway's refusal of the listing, or what became of each message.</summary>
public sealed record MailboxPullResult(GatewayResponse? ListingRefusal, IReadOnlyList<PulledMessage> Messages);

/// <summary>
/// Empties an agency's mailbox on the gateway (exg pull, the agency inbox): fetch each message, open and verify it with the
/// agency's key, save it durably, and only then acknowledge it, so a crash never loses a message. Network failures
/// (<see cref="HttpRequestException"/>, a timeout) propagate for the caller to report.
/// </summary>
public sealed class MailboxPull(GatewayClient client, PackageOpener opener)
{
    /// <summary>
    /// Pulls every listed message; <paramref name="save"/> stores an opened one and says where (it must be durable when it returns).
    /// </summary>
    public async Task<MailboxPullResult> RunAsync(Func<MailboxEntry, OpenedPackage, string> save, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(save);
        var listing = await client.MailboxAsync(cancellationToken).ConfigureAwait(false);
        if (!listing.IsSuccess)
        {
            return new MailboxPullResult(listing, []);
        }

        List<MailboxEntry> entries;
        try
        {
            entries = [.. (JsonNode.Parse(listing.Text)?["messages"]?.AsArray() ?? []).Select(line =>
                new MailboxEntry(line?["messageId"]?.GetValue<string>() ?? "", line?["eventType"]?.ToString(), line?["submissionId"]?.ToString()))];
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            // Not a listing this client understands: reported as the gateway's answer, nothing fetched.
            return new MailboxPullResult(listing, []);
        }

        var results = new List<PulledMessage>();
        foreach (var entry in entries)
        {
            results.Add(PushReceiver.IsSafeMessageId(entry.MessageId)
                ? await PullAsync(entry, save, cancellationToken).ConfigureAwait(false)
                : new PulledMessage(entry, null, null, "refused: the listed message id is not a plain identifier", null));
        }

        return new MailboxPullResult(null, results);
    }

    private async Task<PulledMessage> PullAsync(MailboxEntry entry, Func<MailboxEntry, OpenedPackage, string> save, CancellationToken cancellationToken)
    {
        var package = await client.FetchAsync(entry.MessageId, cancellationToken).ConfigureAwait(false);
        if (!package.IsSuccess)
        {
            return new PulledMessage(entry, null, null, null, package);
        }

        if (!opener.TryOpen(package.Body, out var opened, out var refusal))
        {
            // Not acknowledged: it stays in the mailbox for someone to look at, and the sender's tracking shows it.
            return new PulledMessage(entry, null, null, $"refused: {refusal}", null);
        }

        if (PushReceiver.FromTheGateway(opened!) is { } problem)
        {
            return new PulledMessage(entry, null, null, problem, null);
        }

        if (opened!.MessageId != entry.MessageId)
        {
            return new PulledMessage(entry, null, null, $"refused: the package is signed as message {opened.MessageId}, not {entry.MessageId}", null);
        }

        var savedAs = save(entry, opened);
        var ack = await client.AcknowledgeAsync(entry.MessageId, cancellationToken).ConfigureAwait(false);
        return new PulledMessage(entry, opened, savedAs, null, ack.IsSuccess ? null : ack) { AuditCheckpoint = package.AuditCheckpoint };
    }
}
