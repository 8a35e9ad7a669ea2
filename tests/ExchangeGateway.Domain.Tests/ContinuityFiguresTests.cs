using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

/// <summary>The continuity report's suppression: counts of 1 to 4, and shares and medians resting on them.</summary>
public sealed class ContinuityFiguresTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_count_from_1_to_4_is_suppressed(int count) => Assert.Equal(new Figure(null, true), Figure.Count(count));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(37)]
    public void A_count_of_0_or_of_5_and_more_is_published_as_it_is(int count) => Assert.Equal(new Figure(count, false), Figure.Count(count));

    [Theory]
    [InlineData(4, 10)]
    [InlineData(1, 5)]
    [InlineData(5, 4)]
    [InlineData(0, 3)]
    public void A_share_whose_numerator_or_denominator_is_suppressed_is_null(int numerator, int denominator) =>
        Assert.Equal(Figure.None, Figure.Share(numerator, denominator));

    [Fact]
    public void A_share_of_nothing_is_null() => Assert.Equal(Figure.None, Figure.Share(0, 0));

    [Fact]
    public void A_share_of_0_out_of_5_or_more_stays_0() => Assert.Equal(new Figure(0m, false), Figure.Share(0, 9));

    [Theory]
    [InlineData(5, 6, "0.833")]
    [InlineData(5, 5, "1")]
    [InlineData(7, 16, "0.438")]
    [InlineData(5, 10, "0.5")]
    public void A_share_of_counts_of_5_and_more_is_rounded_to_three_decimals(int numerator, int denominator, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Figure.Share(numerator, denominator).Value);

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_two_middle_values() =>
        Assert.Equal(28.5m, Figure.Median([7, 8, 16, 41, 42, 45]).Value);

    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_value() => Assert.Equal(16m, Figure.Median([0, 8, 16, 41, 42]).Value);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void The_median_over_fewer_than_five_releases_is_null(int count) =>
        Assert.Equal(Figure.None, Figure.Median([.. Enumerable.Range(10, count)]));

    [Fact]
    public void A_row_divides_bridging_by_people_on_ost_naloxone_by_opioid_users_and_notice_by_planned_releases()
    {
        var counts = new ContinuityCounts("HLI", "CJIT-LEEDS", "2026-06", Releases: 20, NoticeLeadDays: [.. Enumerable.Repeat(50, 10)], NoticeSixWeeks: 5,
            Delivered: 10, AcceptedByGp: 0, OnOst: 8, Bridging: 6, OpioidUsers: 16, Naloxone: 12, FirstAppointment: 20, EngagedWithin21Days: 3, OverdueReleases: 2);

        var row = ContinuityRow.Of(counts);

        Assert.Equal(new Figure(20, false), row.Releases);
        Assert.Equal(50m, row.NoticeLeadDaysMedian.Value);
        Assert.Equal(0.5m, row.NoticeSixWeeksShare.Value);
        Assert.Equal(0.5m, row.DeliveredBeforeReleaseShare.Value);
        Assert.Equal(0m, row.AcceptedByGpBeforeReleaseShare.Value);
        Assert.Equal(0.75m, row.BridgingShare.Value);
        Assert.Equal(0.75m, row.NaloxoneShare.Value);
        Assert.Equal(1m, row.FirstAppointmentShare.Value);
        Assert.Equal(Figure.None, row.EngagedWithin21DaysShare);
        Assert.Equal(new Figure(null, true), row.OverdueReleases);
    }
}
