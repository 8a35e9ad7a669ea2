using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Cli.Tests;

public sealed class ScheduleCommandsTests : IDisposable
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly DateTimeOffset Accepted = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder folder = new();

    public ScheduleCommandsTests()
    {
        // Two people's notices, the first person's release overdue: written as the gateway writes them.
        using var store = SqliteStore.Open(Path.Combine(folder.Path, DatabaseLocation.SqliteFileName), TimeProvider.System);
        Store(store, "n1", "nhs:aaa", new DateOnly(2026, 12, 10));
        Store(store, "n2", "nhs:bbb", new DateOnly(2026, 12, 17));
        var now = new DateTimeOffset(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
        store.InTransaction(tx =>
        {
            foreach (var due in tx.Schedule.Due(now))
            {
                var overdue = due.Entry.Kind == ReleaseMilestoneKinds.OverdueCheck;
                tx.Schedule.Complete(due.Entry.EntryId, overdue ? ScheduleStatus.Overdue : ScheduleStatus.Done, overdue ? "no release by 12:00 on 2026-12-10" : "sent", now);
            }
        });
    }

    public void Dispose() => folder.Dispose();

    private static void Store(SqliteStore store, string submissionId, string personKey, DateOnly releaseDate)
    {
        var notice = new ScheduledNotice(submissionId, [personKey, "prison:" + submissionId], releaseDate, ["CJIT-LEEDS", "B86030"], "{}",
            ReleaseTimeline.From(releaseDate, Accepted, London));
        store.InTransaction(tx =>
        {
            tx.Submissions.Accept(new AcceptedSubmission(submissionId, "HLI", EventTypes.ReleaseNotice, "h", notice.PersonKeys, [], [], "{}", new KnownAgencies(null, null), null));
            tx.Schedule.Schedule(notice, Accepted);
        });
    }

    [Fact]
    public void List_shows_every_entry_by_due_time_with_kind_status_recipients_and_person_key()
    {
        var run = CliRun.Of("schedule", "list", "--data", folder.Path);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.StartsWith($"2026-12-08T09:00:00.000+00:00  {"reminder-2-days",-23}  done      release 2026-12-10  to CJIT-LEEDS,B86030  person nhs:aaa", lines[0], StringComparison.Ordinal);
        Assert.Contains($"{"overdue-check",-23}  overdue", lines[2], StringComparison.Ordinal);
        Assert.Contains("(no release by 12:00 on 2026-12-10)", lines[2], StringComparison.Ordinal);
        Assert.Contains("pending", lines[5], StringComparison.Ordinal);
        Assert.Equal("6 entries", lines[6]);
    }

    [Fact]
    public void Overdue_lists_only_the_release_not_recorded_by_noon()
    {
        var run = CliRun.Of("schedule", "list", "--data", folder.Path, "--overdue");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("overdue-check", run.Output, StringComparison.Ordinal);
        Assert.Contains("nhs:aaa", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("nhs:bbb", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("1 entry\n", run.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_gives_each_entry_s_due_time_kind_recipients_and_pseudonymous_key()
    {
        var run = CliRun.Of("schedule", "list", "--data", folder.Path, "--json", "--overdue");

        Assert.Equal(0, run.ExitCode);
        var entry = Assert.Single(JsonNode.Parse(run.Output)!["entries"]!.AsArray())!;
        Assert.Equal("2026-12-10T12:00:00.000+00:00", entry["dueAt"]!.GetValue<string>());
        Assert.Equal("overdue-check", entry["kind"]!.GetValue<string>());
        Assert.Equal("overdue", entry["status"]!.GetValue<string>());
        Assert.Equal("2026-12-10", entry["releaseDate"]!.GetValue<string>());
        Assert.Equal("n1", entry["submissionId"]!.GetValue<string>());
        Assert.Equal(["CJIT-LEEDS", "B86030"], entry["recipients"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("nhs:aaa", entry["personKey"]!.GetValue<string>());
        Assert.Equal(["nhs:aaa", "prison:n1"], entry["personKeys"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public void A_folder_without_a_gateway_database_is_a_usage_error()
    {
        using var empty = new TempFolder();
        var run = CliRun.Of("schedule", "list", "--data", empty.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no gateway database", run.Error, StringComparison.Ordinal);
    }
}
