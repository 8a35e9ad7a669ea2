namespace ExchangeGateway.Domain;

/// <summary>Working days in England and Wales: Monday to Friday, not a bank holiday (substitute days included).</summary>
public static class WorkingDays
{
    /// <summary>True for a Monday to Friday that is not a bank holiday.</summary>
    public static bool IsWorkingDay(DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !BankHolidays.IsBankHoliday(date);

    /// <summary><paramref name="date"/> itself when it is a working day, else the last working day before it.</summary>
    public static DateOnly OnOrBefore(DateOnly date)
    {
        while (!IsWorkingDay(date))
        {
            date = date.AddDays(-1);
        }

        return date;
    }

    /// <summary>The working day <paramref name="count"/> working days before <paramref name="date"/> (1: the last one before it).</summary>
    public static DateOnly Before(DateOnly date, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        for (var i = 0; i < count; i++)
        {
            date = OnOrBefore(date.AddDays(-1));
        }

        return date;
    }
}
