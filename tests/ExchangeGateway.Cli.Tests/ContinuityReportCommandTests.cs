using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using static ExchangeGateway.Cli.Tests.ContinuitySeed;

namespace ExchangeGateway.Cli.Tests;

/// <summary>exg report continuity over a data folder seeded with known releases, notices, deliveries, GP answers and engagement reports.</summary>
public sealed class ContinuityReportCommandTests : IDisposable
{
    private static readonly JsonSerializerOptions AsWritten = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TempFolder folder = new();

    // HLI × CJIT-LEEDS, June 2026: seven people released (p1 to p7). Each record's messages: a push to the CJIT, a GP mailbox copy.
    //                 release     first record   lead  latest record before the day    GP accepted before  OST/bridging  opioid/naloxone  engaged (date)
    //   p1  planned   15 Jun      notice 1 May    45   release sent ahead 10 Jun: both  yes (notice, 2 May)  yes/yes       yes/yes          attended 16 Jun (+1) yes
    //                                                   delivered 10 Jun                                                                        (released again on the day: still one release)
    //   p2  planned   15 Jun      notice 4 May    42   notice: both delivered 4 May     yes (5 May)          yes/yes       yes/yes          engaged 6 Jul (+21) yes, linked by prison key only
    //   p3  planned   16 Jun      notice 6 May    41   notice: both delivered 7 May     no                   yes/yes       yes/yes          attended 8 Jul (+22) no
    //   p4  planned   17 Jun      notice 1 Jun    16   notice: both delivered 1 Jun     yes (10 Jun)         yes/yes       yes/yes          did-not-attend 18 Jun: no
    //   p5  planned   18 Jun      notice 10 Jun    8   notice: GP fetched 18 Jun 09:00  no (answered on      yes/yes       yes/yes          attended 19 Jun yes
    //                                                   (on the day): no                 the day)
    //   p6  planned   19 Jun      release sent     7   that release: both delivered     no                   yes/no        yes/yes          engaged 20 Jun yes
    //                             ahead 12 Jun          12 Jun
    //   p7  unplanned 22 Jun      release on day   -   none before the day: no          no                   no/-          yes/no           attended 25 Jun yes
    // releases 7; lead days of the 6 planned: 7, 8, 16, 41, 42, 45, median (16 + 41) / 2 = 28.5; at least 42 days: p1, p2 = 2 of 6 -> null;
    // delivered p1 p2 p3 p4 p6 = 5 of 7 = 0.714; GP accepted p1 p2 p4 = 3 -> null; bridging 5 of 6 on OST = 0.833;
    // naloxone 6 of 7 opioid users = 0.857; first appointment 0 of 7 = 0; engaged p1 p2 p5 p6 p7 = 5 of 7 = 0.714; overdue 0.
    // HLI × CJIT-BRADFORD, June 2026: p9 released 20 Jun; p10's notice for 25 Jun went overdue. releases 1 -> "<5", every share
    // and the median null, overdue 1 -> "<5".
    // Not counted: p11 released 1 Jul (after --to); p12 has a notice for 26 Jun and no release (a notice is not a release).
    public ContinuityReportCommandTests()
    {
        using var seed = new ContinuitySeed(folder.Path);
        var notice = seed.Release("p1", On(5, 1), Plan(EventTypes.ReleaseNotice, "2026-06-15"));
        seed.Pushed(notice.Cjit, On(5, 1, 11));
        seed.Fetched(notice.Gp, On(5, 1, 12));
        seed.GpAccepted(notice.Gp, On(5, 2));
        var ahead = seed.Release("p1", On(6, 10), Plan(EventTypes.Release, "2026-06-15"));
        seed.Pushed(ahead.Cjit, On(6, 10, 11));
        seed.Fetched(ahead.Gp, On(6, 10, 12));
        seed.Release("p1", On(6, 15), Plan(EventTypes.Release, "2026-06-15"));

        Delivered(seed.Release("p2", On(5, 4), Plan(EventTypes.ReleaseNotice, "2026-06-15")), On(5, 4, 11), gpAcceptedAt: On(5, 5));
        seed.Release("p2", On(6, 15), Plan(EventTypes.Release, "2026-06-15"));

        Delivered(seed.Release("p3", On(5, 6), Plan(EventTypes.ReleaseNotice, "2026-06-16")), On(5, 7));
        seed.Release("p3", On(6, 16), Plan(EventTypes.Release, "2026-06-16"));

        Delivered(seed.Release("p4", On(6, 1), Plan(EventTypes.ReleaseNotice, "2026-06-17")), On(6, 1, 11), gpAcceptedAt: On(6, 10));
        seed.Release("p4", On(6, 17), Plan(EventTypes.Release, "2026-06-17"));

        var late = seed.Release("p5", On(6, 10), Plan(EventTypes.ReleaseNotice, "2026-06-18"));
        seed.Pushed(late.Cjit, On(6, 10, 11));
        seed.Fetched(late.Gp, On(6, 18, 8));
        seed.GpAccepted(late.Gp, On(6, 18, 9));
        seed.Release("p5", On(6, 18), Plan(EventTypes.Release, "2026-06-18"));

        Delivered(seed.Release("p6", On(6, 12), Plan(EventTypes.Release, "2026-06-19", bridging: false)), On(6, 12, 11));

        seed.Release("p7", On(6, 22), Plan(EventTypes.Release, "2026-06-22", planned: false, onOst: false, bridging: false, naloxone: false));

        seed.Engagement(["nhs:p1", "prison:p1"], EngagementOutcomes.Attended, "2026-06-16");
        seed.Engagement(["prison:p2"], EngagementOutcomes.Engaged, "2026-07-06");
        seed.Engagement(["nhs:p3", "prison:p3"], EngagementOutcomes.Attended, "2026-07-08");
        seed.Engagement(["nhs:p4", "prison:p4"], EngagementOutcomes.DidNotAttend, "2026-06-18");
        seed.Engagement(["nhs:p5", "prison:p5"], EngagementOutcomes.Attended, "2026-06-19");
        seed.Engagement(["nhs:p6", "prison:p6"], EngagementOutcomes.Engaged, "2026-06-20");
        seed.Engagement(["nhs:p7", "prison:p7"], EngagementOutcomes.Attended, "2026-06-25");

        Delivered(seed.Release("p9", On(6, 1), Plan(EventTypes.ReleaseNotice, "2026-06-20", area: "CJIT-BRADFORD")), On(6, 1, 11));
        seed.Release("p9", On(6, 20), Plan(EventTypes.Release, "2026-06-20", area: "CJIT-BRADFORD", onOst: false, bridging: false));
        var overdueNotice = seed.NextId;
        seed.Release("p10", On(6, 2), Plan(EventTypes.ReleaseNotice, "2026-06-25", area: "CJIT-BRADFORD"));
        seed.Overdue(overdueNotice, ["nhs:p10", "prison:p10"], new DateOnly(2026, 6, 25));

        seed.Release("p11", On(7, 1), Plan(EventTypes.Release, "2026-07-01"));
        seed.Release("p12", On(6, 1), Plan(EventTypes.ReleaseNotice, "2026-06-26"));

        void Delivered((string Cjit, string Gp) messages, DateTimeOffset at, DateTimeOffset? gpAcceptedAt = null)
        {
            seed.Pushed(messages.Cjit, at);
            seed.Fetched(messages.Gp, at.AddMinutes(30));
            if (gpAcceptedAt is { } accepted)
            {
                seed.GpAccepted(messages.Gp, accepted);
            }
        }
    }

    public void Dispose() => folder.Dispose();

    private JsonNode Report(params string[] more)
    {
        var run = CliRun.Of(["report", "continuity", "--data", folder.Path, .. more]);
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonNode.Parse(run.Output)!;
    }

    [Fact]
    public void Every_figure_of_a_well_counted_group_matches_the_hand_calculation()
    {
        var report = Report("--from", "2026-06-01", "--to", "2026-06-30");

        Assert.Equal("2026-06-01", report["from"]!.GetValue<string>());
        Assert.Equal("2026-06-30", report["to"]!.GetValue<string>());
        var leeds = report["rows"]![1]!;
        Assert.Equal(
            """{"prison":"HLI","cjitArea":"CJIT-LEEDS","month":"2026-06","releases":7,"noticeLeadDaysMedian":28.5,"noticeSixWeeksShare":null,"deliveredBeforeReleaseShare":0.714,"acceptedByGpBeforeReleaseShare":null,"bridgingShare":0.833,"naloxoneShare":0.857,"firstAppointmentShare":0,"engagedWithin21DaysShare":0.714,"overdueReleases":0}""",
            leeds.ToJsonString(AsWritten));
    }

    [Fact]
    public void A_group_of_fewer_than_five_shows_its_counts_as_under_five_and_no_shares()
    {
        var run = CliRun.Of("report", "continuity", "--data", folder.Path, "--from", "2026-06-01", "--to", "2026-06-30");
        var bradford = JsonNode.Parse(run.Output)!["rows"]![0]!;

        Assert.Contains("\"releases\": \"<5\"", run.Output, StringComparison.Ordinal);

        Assert.Equal(
            """{"prison":"HLI","cjitArea":"CJIT-BRADFORD","month":"2026-06","releases":"<5","noticeLeadDaysMedian":null,"noticeSixWeeksShare":null,"deliveredBeforeReleaseShare":null,"acceptedByGpBeforeReleaseShare":null,"bridgingShare":null,"naloxoneShare":null,"firstAppointmentShare":null,"engagedWithin21DaysShare":null,"overdueReleases":"<5"}""",
            bradford.ToJsonString(AsWritten));
    }

    [Fact]
    public void Releases_outside_the_period_are_left_out_and_without_a_period_every_month_is_a_row()
    {
        Assert.Equal(2, Report("--from", "2026-06-01", "--to", "2026-06-30")["rows"]!.AsArray().Count);

        var everything = Report();
        Assert.Null(everything["from"]);
        Assert.Equal(["2026-06", "2026-06", "2026-07"], everything["rows"]!.AsArray().Select(r => r!["month"]!.GetValue<string>()));
    }

    [Fact]
    public void The_report_holds_no_person_key_or_submission_id()
    {
        foreach (var format in new[] { "json", "csv", "html" })
        {
            var run = CliRun.Of("report", "continuity", "--data", folder.Path, "--format", format);

            Assert.Equal(0, run.ExitCode);
            Assert.DoesNotContain("nhs:", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("prison:", run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("p10", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Csv_has_one_header_row_of_the_json_field_names_and_the_same_figures()
    {
        using var output = new TempFolder();
        var file = output.File("report.csv");
        var run = CliRun.Of("report", "continuity", "--data", folder.Path, "--from", "2026-06-01", "--to", "2026-06-30", "--format", "csv", "--out", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal(
        [
            "prison,cjitArea,month,releases,noticeLeadDaysMedian,noticeSixWeeksShare,deliveredBeforeReleaseShare,acceptedByGpBeforeReleaseShare,bridgingShare,naloxoneShare,firstAppointmentShare,engagedWithin21DaysShare,overdueReleases",
            "HLI,CJIT-BRADFORD,2026-06,<5,,,,,,,,,<5",
            "HLI,CJIT-LEEDS,2026-06,7,28.5,,0.714,,0.833,0.857,0,0.714,0",
        ], File.ReadAllText(file).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void The_html_page_is_standalone_with_a_table_and_inline_svg_charts()
    {
        var html = CliRun.Of("report", "continuity", "--data", folder.Path, "--format", "html").Output;

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"report\" id=\"figures\">", html, StringComparison.Ordinal);
        Assert.Contains("<svg id=\"releases-chart\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from", "1 June 2026")]
    [InlineData("--to", "2026-13-01")]
    public void A_date_that_is_not_yyyy_mm_dd_is_a_usage_error(string option, string value)
    {
        var run = CliRun.Of("report", "continuity", "--data", folder.Path, option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(option, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_period_that_ends_before_it_starts_is_a_usage_error()
    {
        var run = CliRun.Of("report", "continuity", "--data", folder.Path, "--from", "2026-07-01", "--to", "2026-06-01");

        Assert.Equal(2, run.ExitCode);
    }
}
