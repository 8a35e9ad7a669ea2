using ExchangeGateway.Crypto;
using ExchangeGateway.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExchangeGateway.Inbox;

/// <summary>The outcome of the last mailbox check, for the list page: when, and what happened.</summary>
public sealed record MailboxCheck(DateTimeOffset At, bool Reached, string Summary);

/// <summary>Pulls the agency's gateway mailbox into the store at start, every poll interval, and when asked ("Check now").</summary>
public sealed class MailboxPolling(InboxSettings settings, InboxStore store, GatewayClient client, PackageOpener opener, TimeProvider time, ILogger<MailboxPolling> log) : BackgroundService
{
    private readonly SemaphoreSlim oneAtATime = new(1, 1);
    private readonly MailboxPull pull = new(client, opener);

    /// <summary>The last check, or null before the first one ends.</summary>
    public MailboxCheck? Last { get; private set; }

    /// <summary>Checks the mailbox now (after any check already running), saving and acknowledging each message.</summary>
    public async Task<MailboxCheck> CheckNowAsync(CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Last = await PullAsync(cancellationToken).ConfigureAwait(false);
            return Last;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        oneAtATime.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckNowAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(settings.Poll, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One bad check must not stop the inbox: the pages and the push endpoint keep working, and the next check tries again.
                log.LogError("Mailbox check failed ({Reason}); trying again at the next check", ex.GetType().Name);
                await Task.Delay(settings.Poll, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<MailboxCheck> PullAsync(CancellationToken cancellationToken)
    {
        MailboxPullResult result;
        try
        {
            result = await pull.RunAsync((entry, opened) =>
            {
                store.Save(entry.MessageId, opened.Content, "mailbox", time.GetUtcNow());
                return entry.MessageId;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            log.LogWarning("Mailbox check: the gateway could not be reached ({Reason})", ex.GetType().Name);
            return new MailboxCheck(time.GetUtcNow(), false, "The gateway could not be reached; the inbox tries again at the next check.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The store could not take a message (a full or read-only disk): it was not acknowledged, so it waits in the mailbox.
            log.LogError("Mailbox check: a message could not be saved ({Reason}); it stays in the mailbox", ex.GetType().Name);
            return new MailboxCheck(time.GetUtcNow(), true, "A message could not be saved in the inbox's folder; it stays in the mailbox. Check the disk, then Check now.");
        }

        if (result.ListingRefusal is { } refusal)
        {
            log.LogWarning("Mailbox check: the gateway answered {Status}", (int)refusal.Status);
            return new MailboxCheck(time.GetUtcNow(), true, $"The gateway refused the mailbox listing (HTTP {(int)refusal.Status}).");
        }

        var saved = result.Messages.Count(m => m.Succeeded);
        var failed = result.Messages.Where(m => !m.Succeeded).ToList();
        foreach (var message in failed)
        {
            // The message id only: the refusal text names no person, and nothing from a document is logged.
            log.LogWarning("Mailbox message {MessageId} not taken: {Problem}", message.Entry.MessageId, message.Refusal ?? $"HTTP {(int)message.GatewayRefusal!.Status}");
        }

        var summary = $"{saved} new message(s) taken from the mailbox" + (failed.Count == 0 ? "." : $"; {failed.Count} could not be opened or acknowledged and stay in the mailbox.");
        return new MailboxCheck(time.GetUtcNow(), true, summary);
    }
}
