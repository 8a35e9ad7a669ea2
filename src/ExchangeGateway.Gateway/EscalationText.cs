using System.Globalization;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The plain-English text of each escalation alert: what has not happened, by when, and what to do now.</summary>
public static class EscalationText
{
    /// <summary>The alert's text for <paramref name="entry"/>, about <paramref name="source"/>, given the record's tracking <paramref name="lines"/>.</summary>
    public static string For(EscalationEntry entry, Submission source, IReadOnlyList<TrackingLine> lines, AgencyDirectory directory, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(directory);
        var due = When(entry.DueAt, zone);
        string Name(string? id) => id is null ? "the recipient" : directory.Find(id) is { } agency ? $"{agency.Name} ({agency.Id})" : id;

        return entry.Kind switch
        {
            EscalationKinds.TransferAcceptanceDue =>
                $"The transfer to {Name(entry.WatchRecipient)} (submission {entry.SubmissionId}) has not been accepted by the receiving prison by {due}. "
                + "Confirm with the receiving prison's healthcare team that they have the record and will continue the person's treatment before the move.",
            EscalationKinds.ReceptionReplyDue =>
                $"No community prescribing record yet: confirm the dose by other means before dosing. No community service has replied to the reception "
                + $"(submission {entry.SubmissionId}) by {due}.",
            EscalationKinds.ReleaseAcceptanceDue =>
                $"{Name(entry.WatchRecipient)} has not accepted the release record (submission {entry.SubmissionId}) for the release on "
                + $"{Date(source)} by {due}{Fetched(entry, lines)}. Contact them before the release so that prescribing, naloxone and a first appointment are in place.",
            EscalationKinds.EngagementDue =>
                $"No engagement report by day {EscalationTimeline.EngagementDays} after the release on {Date(source)} (submission {entry.SubmissionId}). "
                + "Check whether the person has engaged with treatment and follow up with the community service.",
            _ => throw new ArgumentException($"{entry.Kind} is not an escalation kind", nameof(entry)),
        };
    }

    // A GP is a mailbox agency: whether it has even fetched the record tells the prison whom to call.
    private static string Fetched(EscalationEntry entry, IReadOnlyList<TrackingLine> lines) =>
        lines.FirstOrDefault(l => l.Recipient == entry.WatchRecipient)?.Status switch
        {
            MessageStatus.Queued => " (not even fetched yet)",
            MessageStatus.Delivered or MessageStatus.Acknowledged => " (it was delivered but nobody has accepted it)",
            MessageStatus.Expired or MessageStatus.DeadLetter => " (it could not be delivered)",
            _ => "",
        };

    private static string Date(Submission source) =>
        SafetyFlags.ReleaseDate(source)?.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture) ?? "the planned date";

    private static string When(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture);
}
