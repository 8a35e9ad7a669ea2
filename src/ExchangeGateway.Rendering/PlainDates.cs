using System.Globalization;

namespace ExchangeGateway.Rendering;

/// <summary>Dates and times as people read them ("Friday 13 March 2026 at 2:00pm"), in the sender's own offset.</summary>
public static class PlainDates
{
    /// <summary>A contract date (yyyy-mm-dd) or the date part of a date-time; the text as given when it is neither.</summary>
    public static string Day(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment)
            ? moment.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)
            : value;
    }

    /// <summary>
    /// A date-time as a day and a clock time. The time stays in the offset the sender gave, which is the local time of
    /// the place it happens; converting it to this machine's zone would move an appointment.
    /// </summary>
    public static string DayAndTime(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length <= "yyyy-mm-dd".Length || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment))
        {
            return Day(value);
        }

        var clock = moment.ToString("h:mm", CultureInfo.InvariantCulture) + (moment.Hour < 12 ? "am" : "pm");
        return $"{moment.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture)} at {clock}";
    }
}
