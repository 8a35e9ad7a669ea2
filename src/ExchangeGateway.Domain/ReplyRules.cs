using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>
/// The rules of a reply (reception-reply, engagement) that its schema cannot say: dates that must agree with each other
/// and with the event. Which fields a reply carries is the schema's to say.
/// </summary>
public static class ReplyRules
{
    /// <summary>Adds an error, naming its path, for each rule the submission's community record or engagement report breaks.</summary>
    public static void Check(Submission submission, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(errors);
        var eventDate = EventDate(submission.Event.OccurredAt);

        if (submission.Community is { } community)
        {
            var lastDispensed = Date(community.LastDispensedOn);
            if (lastDispensed > eventDate)
            {
                errors.Add(new("community.lastDispensedOn", $"{community.LastDispensedOn} is after the reply was sent ({eventDate:yyyy-MM-dd}): it must say when the last supply was dispensed"));
            }

            // Dispensing may be stopped on the day of the last supply, not before it.
            if (Date(community.DispensingSuspendedFrom) is { } suspended && suspended < lastDispensed)
            {
                errors.Add(new("community.dispensingSuspendedFrom", $"{community.DispensingSuspendedFrom} is before community.lastDispensedOn ({community.LastDispensedOn}): nothing is dispensed once dispensing is suspended"));
            }
        }

        if (submission.Engagement is { } engagement)
        {
            var date = Date(engagement.Date);
            if (date > eventDate)
            {
                errors.Add(new("engagement.date", $"{engagement.Date} is after the report was sent ({eventDate:yyyy-MM-dd}): a report says what has happened"));
            }

            if (engagement.NextAppointment is { } next && EventDate(next) is { } nextDate && nextDate < date)
            {
                errors.Add(new("engagement.nextAppointment", $"{next} is before engagement.date ({engagement.Date})"));
            }

            if (engagement.Outcome == EngagementOutcomes.NotKnownToService && engagement.NextAppointment is not null)
            {
                errors.Add(new("engagement.nextAppointment", "a service the person is not known to has no appointment with them"));
            }
        }
    }

    // A malformed date is the schema's to name; these rules then have nothing to compare.
    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static DateOnly? EventDate(string dateTime) =>
        DateTimeOffset.TryParse(dateTime, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? DateOnly.FromDateTime(at.DateTime) : null;
}
