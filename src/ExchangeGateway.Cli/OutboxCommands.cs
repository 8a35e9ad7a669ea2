using System.CommandLine;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Cli;

/// <summary>outbox list, retry and cancel: looking after the gateway's outbox, on SQLite (--data) or PostgreSQL (--database).</summary>
public static class OutboxCommands
{
    /// <summary>exg outbox list, retry and cancel.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var listData = StoreOptions.Data();
        var listDatabase = StoreOptions.Database();
        var status = new Option<string?>("--status") { Description = "Only messages in this state (queued, delivered, acknowledged, dead-letter, expired, cancelled)." };
        var limit = new Option<int>("--limit") { Description = "At most this many messages.", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Totals by state (accepted = pending + delivered + acknowledged + dead-lettered + expired + cancelled), then the newest messages.") { listData, listDatabase, status, limit };
        list.SetAction(parse => StoreOptions.WithStore(parse.GetValue(listDatabase), parse.GetValue(listData), error, store =>
        {
            var (totals, lines) = store.Snapshot(tx => (tx.Admin.Totals(), tx.Admin.List(parse.GetValue(status), parse.GetValue(limit))));
            output.WriteLine($"accepted {totals.Accepted} = pending {totals.Pending} + delivered {totals.Delivered} + acknowledged {totals.Acknowledged} + dead-lettered {totals.DeadLettered} + expired {totals.Expired} + cancelled {totals.Cancelled}");
            foreach (var line in lines)
            {
                output.WriteLine($"{line.MessageId}  {line.Recipient,-14} {line.Channel,-7} {line.Status,-12} attempts {line.Attempts,-3} {StoredTime.Format(line.CreatedAt)}  {line.EventType}{(line.LastError is null ? "" : "  " + line.LastError)}");
            }

            return totals.Balances ? ExitCodes.Ok : ExitCodes.InvalidInput;
        }));

        var retry = AdminCommand("retry", "Queue a dead-lettered or expired message again, with a fresh retry window (audited).", "A dead-lettered or expired message.",
            AdminActions.OutboxRetry, (admin, id) => admin.Retry(id), "queued again", "no dead-lettered or expired message with this id", output, error);
        var cancel = AdminCommand("cancel", "Cancel a message not yet delivered (audited): queued, or dead-lettered or expired and settled another way.", "A queued, dead-lettered or expired message.",
            AdminActions.OutboxCancel, (admin, id) => admin.Cancel(id, "cancelled by an administrator"), "cancelled", "no queued, dead-lettered or expired message with this id", output, error);
        return new Command("outbox", "Look after the gateway's outbox: list, retry, cancel.") { list, retry, cancel };
    }

    // An audited change to one message: the change and its admin-action entry in one unit of work.
    private static Command AdminCommand(string name, string description, string idDescription, string action, Func<IOutboxAdmin, string, bool> change,
        string done, string notFound, TextWriter output, TextWriter error)
    {
        var data = StoreOptions.Data();
        var database = StoreOptions.Database();
        var certs = new Option<string>("--certs") { Description = "The certs folder with the audit checkpoint key (audit-checkpoint.key) that signs audit checkpoints.", DefaultValueFactory = _ => "certs-dev" };
        var messageId = new Argument<string>("MESSAGE_ID") { Description = idDescription };
        var command = new Command(name, description) { messageId, data, database, certs };
        command.SetAction(parse =>
        {
            var id = parse.GetValue(messageId)!;
            var audited = AdminAudit.Action(action, id, parse.GetValue(certs)!);
            return StoreOptions.WithStore(parse.GetValue(database), parse.GetValue(data), error, store =>
            {
                if (!store.InTransaction(tx => change(tx.Admin, id) && Audited(tx, audited)))
                {
                    error.WriteLine($"error: {id}: {notFound}");
                    return ExitCodes.InvalidInput;
                }

                output.WriteLine($"{id}: {done}");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    // The admin action's audit entry, in the transaction of the change it records.
    private static bool Audited(IStoreTransaction transaction, Action<IStoreTransaction> audit)
    {
        audit(transaction);
        return true;
    }
}
