using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

public class SubmissionReaderTests
{
    private static IntakeResult Read(byte[] body) => SubmissionReader.Read(body);

    private static void AssertRefused(byte[] body, string path)
    {
        var result = Read(body);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Theory]
    [InlineData(Examples.ReleaseOst)]
    [InlineData(Examples.Transfer)]
    public void Both_examples_are_accepted(string example)
    {
        var result = Read(Encoding.UTF8.GetBytes(Examples.Text(example)));
        Assert.Empty(result.Errors);
        Assert.NotNull(result.Submission);
    }

    [Theory]
    [MemberData(nameof(BadSubmissions.TheoryData), MemberType = typeof(BadSubmissions))]
    public void Each_broken_rule_is_refused_naming_its_field(string rule, string path) =>
        AssertRefused(BadSubmissions.Named(rule).Body(), path);

    [Fact]
    public void The_everything_fixture_is_accepted() =>
        Assert.Empty(Read(Encoding.UTF8.GetBytes(Examples.Everything().ToJsonString())).Errors);

    [Fact]
    public void Release_notice_on_OST_without_last_dose_is_accepted()
    {
        var body = Examples.Variant(Examples.ReleaseOst, j =>
        {
            j["event"]!["type"] = "release-notice";
            j["prescribing"]!.AsObject().Remove("lastDose");
        });
        Assert.Empty(Read(body).Errors);
    }

    [Fact]
    public void Invalid_JSON_is_refused_with_its_position()
    {
        var result = Read("{\"submissionId\": "u8.ToArray());
        Assert.Contains(result.Errors, e => e.Reason.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var body = Examples.Variant(Examples.Transfer, j =>
        {
            j["dir"]!["client"]!["nhsNumber"] = "4010232138";
            j["dir"]!["client"]!["favouriteColour"] = "blue";
            j["event"]!.AsObject().Remove("to");
        });
        var paths = Read(body).Errors.Select(e => e.Path).ToList();
        Assert.Contains("dir.client.nhsNumber", paths);
        Assert.Contains("dir.client.favouriteColour", paths);
        Assert.Contains("event.to", paths);
    }

    [Fact]
    public void A_body_over_1_MB_is_refused_in_under_a_second()
    {
        var body = new byte[SubmissionReader.MaxBytes + 1];
        Array.Fill(body, (byte)' ');
        var clock = Stopwatch.StartNew();
        var result = Read(body);
        clock.Stop();
        Assert.Contains(result.Errors, e => e.Path == "$" && e.Reason.Contains("1 MB", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Nesting_deeper_than_64_is_refused_in_under_a_second()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 500_000) + new string(']', 500_000));
        var clock = Stopwatch.StartNew();
        var result = Read(body);
        clock.Stop();
        Assert.Contains(result.Errors, e => e.Reason.Contains("deeper than 64", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Nesting_inside_an_allowed_field_is_refused_naming_where()
    {
        var deep = new string('[', 70) + new string(']', 70);
        var text = Examples.Text(Examples.Transfer).Replace("\"dirId\": \"DIR-BMI-2026-000112\"", $"\"dirId\": {deep}", StringComparison.Ordinal);
        var result = Read(Encoding.UTF8.GetBytes(text));
        Assert.Contains(result.Errors, e => e.Path.StartsWith("dir.dirId", StringComparison.Ordinal) && e.Reason.Contains("deeper", StringComparison.Ordinal));
    }

    [Fact]
    public void One_schema_checks_submissions_from_many_threads_at_once_from_its_first_use()
    {
        // The gateway shares one schema across request threads; right after a start they all fill its pattern cache together.
        for (var round = 0; round < 20; round++)
        {
            var schema = ContractSchema.LoadEmbedded();
            var bodies = new[] { Examples.Text(Examples.ReleaseOst), Examples.Text(Examples.Transfer) };
            using var start = new Barrier(8);
            var counts = new int[8];
            var failures = new Exception?[8];
            var threads = Enumerable.Range(0, 8).Select(worker => new Thread(() =>
            {
                using var document = System.Text.Json.JsonDocument.Parse(bodies[worker % 2]);
                start.SignalAndWait();
                try
                {
                    var errors = new List<ExchangeGateway.Domain.ValidationError>();
                    schema.Validate(document.RootElement, errors);
                    counts[worker] = errors.Count;
                }
                catch (Exception ex)
                {
                    failures[worker] = ex;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.All(failures, failure => Assert.Null(failure));
            Assert.All(counts, count => Assert.Equal(0, count));
        }
    }
}
