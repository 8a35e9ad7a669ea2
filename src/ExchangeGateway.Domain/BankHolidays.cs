namespace ExchangeGateway.Domain;

/// <summary>England and Wales bank holidays, computed from the standing rules for any year (no table to run out).</summary>
/// <remarks>
/// The rules are those in force since 1978: New Year's Day, Good Friday, Easter Monday, the first Monday of May,
/// the last Mondays of May and August, Christmas Day and Boxing Day, with a fixed-date holiday that falls on a
/// weekend moved to the next weekday no other holiday holds. Holidays proclaimed one at a time by royal
/// proclamation cannot be computed and are not invented here: for example the early May holiday moved to 8 May for
/// the VE Day anniversaries of 1995 and 2020, the Platinum Jubilee (spring holiday moved to 2 June, 3 June added) and
/// the State Funeral of Queen Elizabeth II (19 September) in 2022, and the Coronation (8 May) in 2023. For such years
/// this class gives the standing-rule calendar, which differs from what was proclaimed, and a future proclamation
/// will be missing in the same way.
/// </remarks>
public static class BankHolidays
{
    /// <summary>The first year accepted: Easter is computed for the Gregorian calendar, which began in 1582.</summary>
    public const int FirstYear = 1583;

    /// <summary>The bank holidays of a year in date order, each with its gov.uk name.</summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> For(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, FirstYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, DateOnly.MaxValue.Year);

        var easter = EasterSunday(year);
        var days = new List<(DateOnly Date, string Name)>
        {
            (easter.AddDays(-2), "Good Friday"),
            (easter.AddDays(1), "Easter Monday"),
            (FirstMonday(year, 5), "Early May bank holiday"),
            (LastMonday(year, 5), "Spring bank holiday"),
            (LastMonday(year, 8), "Summer bank holiday"),
        };
        AddWithSubstitutes(days, [(new DateOnly(year, 1, 1), "New Year's Day")]);
        AddWithSubstitutes(days, [(new DateOnly(year, 12, 25), "Christmas Day"), (new DateOnly(year, 12, 26), "Boxing Day")]);
        return days.OrderBy(d => d.Date).ToList();
    }

    /// <summary>True when the date is a bank holiday in England and Wales (a substitute day counts; the weekend day it replaces does not).</summary>
    public static bool IsBankHoliday(DateOnly date) => For(date.Year).Any(d => d.Date == date);

    /// <summary>True when the next calendar day is a bank holiday in England and Wales.</summary>
    public static bool IsDayBeforeBankHoliday(DateOnly date) => IsBankHoliday(date.AddDays(1));

    /// <summary>The bank holiday on a date, or null when it is not one.</summary>
    public static string? NameOf(DateOnly date) => For(date.Year).FirstOrDefault(d => d.Date == date).Name;

    /// <summary>Easter Sunday in the Gregorian calendar, by the Anonymous Gregorian (Meeus/Jones/Butcher) algorithm.</summary>
    public static DateOnly EasterSunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, FirstYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, DateOnly.MaxValue.Year);

        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static bool IsWeekday(DateOnly date) => date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    private static DateOnly FirstMonday(int year, int month)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays(((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7);
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7));
    }

    // Fixed-date holidays on a weekday keep their day first; those on a weekend then take, in date order, the next
    // weekday no holiday holds. So Christmas on a Saturday gives Monday 27th and Boxing Day Tuesday 28th, and
    // Christmas on a Sunday leaves Boxing Day on Monday 26th and moves Christmas to Tuesday 27th.
    private static void AddWithSubstitutes(List<(DateOnly Date, string Name)> days, (DateOnly Date, string Name)[] fixedDays)
    {
        days.AddRange(fixedDays.Where(d => IsWeekday(d.Date)));
        foreach (var (date, name) in fixedDays.Where(d => !IsWeekday(d.Date)))
        {
            var substitute = date.AddDays(1);
            while (!IsWeekday(substitute) || days.Any(d => d.Date == substitute))
            {
                substitute = substitute.AddDays(1);
            }

            days.Add((substitute, $"{name} (substitute day)"));
        }
    }
}
