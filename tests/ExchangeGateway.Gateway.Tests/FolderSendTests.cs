using System.Text.Json;
using System.Text.RegularExpressions;
using ExchangeGateway.Backfill;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway.Tests;

public sealed class FolderSendTests : GatewayWithAgencies
{
    [Fact]
    public async Task Exg_send_dir_loads_a_generated_folder_reports_each_refusal_by_reason_and_a_second_run_sends_nothing()
    {
        using var folder = new TemporaryFolder();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var made = Write(folder.Path, new SubmissionGenerator(seed: 11, today, invalidShare: 0.25, senders: ["HLI"]), 30);
        var foreign = new SubmissionGenerator(seed: 12, today, 0, senders: ["BMI"]).Make(30);
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, foreign.FileName), JsonSerializer.SerializeToUtf8Bytes(foreign.Json));
        var valid = made.Where(m => m.Invalid is null).ToList();
        var invalid = made.Where(m => m.Invalid is not null).ToList();
        Assert.NotEmpty(invalid);

        var (exit, output, _) = Send(folder.Path);

        Assert.Equal(1, exit);
        Assert.Contains($"31 file(s), 30 sent", output, StringComparison.Ordinal);
        Assert.Equal(valid.Count, Total(output, "accepted"));
        Assert.Equal(invalid.Count, Total(output, "refused"));
        Assert.Equal(1, Total(output, "refused locally"));
        Assert.Equal(0, Total(output, "failed to send"));
        Assert.All(valid, m => Assert.NotNull(Gateway.Outbox.FindSubmission(m.SubmissionId)));
        Assert.All(invalid, m => Assert.Null(Gateway.Outbox.FindSubmission(m.SubmissionId)));
        Assert.Null(Gateway.Outbox.FindSubmission(foreign.SubmissionId));
        Assert.True(Gateway.Outbox.Totals().Balances);

        // A refused file is named under its reason: the problem's title and the first path, never a value from the record.
        var badNhs = Assert.Single(invalid.Where(m => m.Invalid == "nhs-check-digit").Take(1));
        var reason = Regex.Match(output, @"refused \d+: HTTP 400 The submission is not valid: dir\.client\.nhsNumber\r?\n\s+(.*)");
        Assert.True(reason.Success, output);
        Assert.Contains(badNhs.FileName, reason.Groups[1].Value, StringComparison.Ordinal);
        Assert.Contains($"refused locally 1: event.from is BMI, not the sending agency HLI", output, StringComparison.Ordinal);

        var (again, secondOutput, _) = Send(folder.Path);

        Assert.Equal(1, again);
        Assert.Contains("31 file(s), 0 sent", secondOutput, StringComparison.Ordinal);
        Assert.Equal(0, Total(secondOutput, "accepted"));
        Assert.Equal(valid.Count, Total(secondOutput, "already accepted"));
        Assert.Equal(invalid.Count, Total(secondOutput, "refused"));
        Assert.Contains(badNhs.FileName, secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_answered_503_are_sent_again_after_the_Retry_After_and_a_folder_all_accepted_exits_0()
    {
        using var folder = new TemporaryFolder();
        var made = Write(folder.Path, new SubmissionGenerator(seed: 5, DateOnly.FromDateTime(DateTime.UtcNow), 0, senders: ["NHI"]), 6);

        Gateway.Outbox.Simulate(SimulatedStorageFault.Full);
        var sending = Task.Run(() => Send(folder.Path, "NHI"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Gateway.Outbox.Simulate(SimulatedStorageFault.None);
        var (exit, output, error) = await sending;

        Assert.True(exit == 0, output + error);
        Assert.Equal(6, Total(output, "accepted"));

        // The first answers were 503s: the files were held back for the Retry-After (at least 1 s), then sent again.
        var seconds = double.Parse(Regex.Match(output, @"6 sent in (\d+\.\d) s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seconds >= 1.4, output);
        Assert.All(made, m => Assert.NotNull(Gateway.Outbox.FindSubmission(m.SubmissionId)));
        var state = await File.ReadAllLinesAsync(Path.Combine(folder.Path, ".exg-send-state"));
        Assert.Equal(made.Select(m => m.SubmissionId + " 202 accepted").Order(StringComparer.Ordinal), state.Order(StringComparer.Ordinal));
    }

    private (int Exit, string Output, string Error) Send(string folder, string agency = "HLI")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExchangeGateway.Cli.ExgCommandLine.Run(
            ["send", "--dir", folder, "--gateway", Gateway.Address.ToString(), "--as", agency, "--certs", GatewayUnderTest.Certs, "--concurrency", "4"], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static List<GeneratedSubmission> Write(string folder, SubmissionGenerator generator, int count)
    {
        var made = Enumerable.Range(0, count).Select(generator.Make).ToList();
        foreach (var submission in made)
        {
            File.WriteAllBytes(Path.Combine(folder, submission.FileName), JsonSerializer.SerializeToUtf8Bytes(submission.Json));
        }

        return made;
    }

    // A count from the summary's totals, e.g. "  accepted          12".
    private static int Total(string output, string what) =>
        int.Parse(Regex.Match(output, $@"^  {Regex.Escape(what)} +(\d+)", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
}
