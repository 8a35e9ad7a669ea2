namespace ExchangeGateway.SafetyCase.Tests;

/// <summary>The report a clinical safety officer reads: every hazard, its controls and tests, and each test's result from a TRX file.</summary>
public sealed class SafetyReportTests
{
    private const string Log = """
        matrix: DCB0129 5x5
        hazards:
          - id: H01
            title: Release on OST without the last dose
            cause: not recorded
            effect: a dose given twice
            harm: overdose
            initial: {severity: major, likelihood: medium, risk: 4}
            controls:
              - id: C01a
                kind: refusal
                description: refused <naming> the field
                gaps: none known
                tests: [Safety.Tests.Checks.Refused, Safety.Tests.Checks.Flagged, Safety.Tests.Checks.Absent]
            residual: {severity: major, likelihood: very-low, risk: 2}
            residual-notes: the prescriber still confirms the dose
        """;

    private const string Trx = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="1" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testName="Safety.Tests.Checks.Refused" outcome="Passed" />
            <UnitTestResult testName="Safety.Tests.Checks.Flagged(day: &quot;Friday&quot;)" outcome="Passed" />
            <UnitTestResult testName="Safety.Tests.Checks.Flagged(day: &quot;Monday&quot;)" outcome="Failed" />
          </Results>
        </TestRun>
        """;

    [Fact]
    public void The_markdown_report_shows_each_tests_result_a_theory_failing_when_one_case_fails_and_a_test_missing_from_the_results()
    {
        using var trx = new TempFile(Trx);
        var results = TestResults.LoadTrx([trx.Path]);

        var report = SafetyReport.Markdown(HazardLog.Parse(Log), results);

        Assert.Contains("| H01 Release on OST without the last dose | 4 (major, medium) | 2 (major, very-low) | 1 | 1 of 3 passed |", report, StringComparison.Ordinal);
        Assert.Contains("- `Safety.Tests.Checks.Refused`: **Passed**", report, StringComparison.Ordinal);
        Assert.Contains("- `Safety.Tests.Checks.Flagged`: **Failed**", report, StringComparison.Ordinal);
        Assert.Contains("- `Safety.Tests.Checks.Absent`: **not in the results**", report, StringComparison.Ordinal);
        Assert.Contains("Results: 1 passed, 1 not passed, 1 not in the results.", report, StringComparison.Ordinal);
        Assert.Contains("**What stays with clinicians**: the prescriber still confirms the dose", report, StringComparison.Ordinal);
        Assert.Contains("**Gaps**: none known", report, StringComparison.Ordinal);
    }

    [Fact]
    public void The_html_report_is_one_page_with_no_script_and_its_text_escaped()
    {
        var html = SafetyReport.Html(HazardLog.Parse(Log));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("refused &lt;naming&gt; the field", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", html.Replace("http://", "", StringComparison.Ordinal).Replace("https://", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_results_file_that_is_not_trx_is_refused_naming_it()
    {
        using var notTrx = new TempFile("<html/>");

        var error = Assert.Throws<FormatException>(() => TestResults.LoadTrx([notTrx.Path]));

        Assert.Contains(notTrx.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a TRX test results file", error.Message, StringComparison.Ordinal);
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
