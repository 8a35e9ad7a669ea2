using System.Globalization;

namespace ExchangeGateway.Domain.Tests;

public class BankHolidaysTests
{
    // The England and Wales lists published on gov.uk/bank-holidays, written out in full.
    public static TheoryData<int, string[]> PublishedLists => new()
    {
        {
            2026,
            [
                "2026-01-01 New Year's Day", "2026-04-03 Good Friday", "2026-04-06 Easter Monday", "2026-05-04 Early May bank holiday",
                "2026-05-25 Spring bank holiday", "2026-08-31 Summer bank holiday", "2026-12-25 Christmas Day", "2026-12-28 Boxing Day (substitute day)",
            ]
        },
        {
            2027,
            [
                "2027-01-01 New Year's Day", "2027-03-26 Good Friday", "2027-03-29 Easter Monday", "2027-05-03 Early May bank holiday",
                "2027-05-31 Spring bank holiday", "2027-08-30 Summer bank holiday", "2027-12-27 Christmas Day (substitute day)", "2027-12-28 Boxing Day (substitute day)",
            ]
        },
        {
            2028,
            [
                "2028-01-03 New Year's Day (substitute day)", "2028-04-14 Good Friday", "2028-04-17 Easter Monday", "2028-05-01 Early May bank holiday",
                "2028-05-29 Spring bank holiday", "2028-08-28 Summer bank holiday", "2028-12-25 Christmas Day", "2028-12-26 Boxing Day",
            ]
        },
        {
            2029,
            [
                "2029-01-01 New Year's Day", "2029-03-30 Good Friday", "2029-04-02 Easter Monday", "2029-05-07 Early May bank holiday",
                "2029-05-28 Spring bank holiday", "2029-08-27 Summer bank holiday", "2029-12-25 Christmas Day", "2029-12-26 Boxing Day",
            ]
        },
        {
            2030,
            [
                "2030-01-01 New Year's Day", "2030-04-19 Good Friday", "2030-04-22 Easter Monday", "2030-05-06 Early May bank holiday",
                "2030-05-27 Spring bank holiday", "2030-08-26 Summer bank holiday", "2030-12-25 Christmas Day", "2030-12-26 Boxing Day",
            ]
        },
    };

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static List<string> Listed(int year) => BankHolidays.For(year).Select(d => $"{d.Date:yyyy-MM-dd} {d.Name}").ToList();

    [Theory]
    [MemberData(nameof(PublishedLists))]
    public void The_computed_list_equals_the_published_gov_uk_list(int year, string[] published) => Assert.Equal(published, Listed(year));

    [Theory]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2038, "2038-04-25")]
    [InlineData(2285, "2285-03-22")]
    [InlineData(1943, "1943-04-25")]
    public void Easter_Sunday_follows_the_Gregorian_computus_including_its_earliest_and_latest_dates(int year, string easter) =>
        Assert.Equal(Day(easter), BankHolidays.EasterSunday(year));

    [Fact]
    public void Christmas_on_a_Sunday_keeps_Boxing_Day_on_Monday_and_moves_Christmas_to_Tuesday()
    {
        var listed = Listed(2022);
        Assert.Contains("2022-12-26 Boxing Day", listed);
        Assert.Contains("2022-12-27 Christmas Day (substitute day)", listed);
    }

    [Fact]
    public void Christmas_on_a_Saturday_moves_Christmas_to_Monday_and_Boxing_Day_to_Tuesday()
    {
        var listed = Listed(2021);
        Assert.Contains("2021-12-27 Christmas Day (substitute day)", listed);
        Assert.Contains("2021-12-28 Boxing Day (substitute day)", listed);
    }

    [Fact]
    public void New_Year_on_a_Sunday_moves_to_Monday_2nd() => Assert.Contains("2023-01-02 New Year's Day (substitute day)", Listed(2023));

    [Fact]
    public void Every_year_has_eight_weekday_holidays_in_date_order_and_no_day_twice()
    {
        for (var year = BankHolidays.FirstYear; year <= 9999; year++)
        {
            var days = BankHolidays.For(year);
            Assert.Equal(8, days.Count);
            Assert.All(days, d => Assert.True(d.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"{d.Date} {d.Name} is a weekend"));
            Assert.All(days, d => Assert.Equal(year, d.Date.Year));
            Assert.Equal(days.Select(d => d.Date).Order(), days.Select(d => d.Date));
            Assert.Equal(8, days.Select(d => d.Date).Distinct().Count());
        }
    }

    [Theory]
    [InlineData("2026-12-28", true)]
    [InlineData("2026-12-26", false)] // Boxing Day on a Saturday: the substitute Monday is the holiday, not the Saturday
    [InlineData("2026-04-03", true)]
    [InlineData("2026-03-13", false)]
    public void IsBankHoliday_answers_for_observed_days(string date, bool expected) => Assert.Equal(expected, BankHolidays.IsBankHoliday(Day(date)));

    [Theory]
    [InlineData("2026-04-02", true)] // Thursday before Good Friday
    [InlineData("2026-12-24", true)]
    [InlineData("2026-05-03", true)] // Sunday before the early May holiday
    [InlineData("2026-05-01", false)] // the Friday before it: the next day is a Saturday
    [InlineData("2027-12-31", false)] // New Year's Day 2028 is a Saturday; its holiday is Monday 3 January
    [InlineData("2026-03-12", false)]
    public void IsDayBeforeBankHoliday_looks_at_the_next_calendar_day(string date, bool expected) =>
        Assert.Equal(expected, BankHolidays.IsDayBeforeBankHoliday(Day(date)));

    [Fact]
    public void NameOf_names_the_holiday_on_a_date_and_nothing_on_a_working_day()
    {
        Assert.Equal("Good Friday", BankHolidays.NameOf(Day("2026-04-03")));
        Assert.Equal("Boxing Day (substitute day)", BankHolidays.NameOf(Day("2026-12-28")));
        Assert.Null(BankHolidays.NameOf(Day("2026-03-13")));
    }

    [Theory]
    [InlineData("2023-05-08")] // the Coronation
    [InlineData("2022-09-19")] // the State Funeral of Queen Elizabeth II
    [InlineData("2022-06-03")] // the Platinum Jubilee
    [InlineData("2020-05-08")] // VE Day 75 (the early May holiday moved from Monday 4 May)
    public void One_off_proclaimed_holidays_are_not_invented(string date) => Assert.False(BankHolidays.IsBankHoliday(Day(date)));

    [Fact]
    public void A_year_before_the_Gregorian_calendar_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BankHolidays.For(1582));
}
