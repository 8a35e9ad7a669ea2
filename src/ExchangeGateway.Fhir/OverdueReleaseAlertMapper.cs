using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Builds the gateway's "overdue release summary" alert to a CJIT: a document Bundle (Composition type
/// <c>overdue-release-alert</c>) whose one risks-alerts section holds a single <c>overdue-release-summary</c> Flag about the
/// Patient of the last release notice. It passes the same profiles as every other document.
/// </summary>
public sealed class OverdueReleaseAlertMapper(ProfileSet profiles)
{
    /// <summary>The alert's code in the document-type CodeSystem.</summary>
    public const string DocumentType = "overdue-release-alert";

    /// <summary>The agency id the gateway signs as; the alert's author.</summary>
    public const string GatewayAgencyId = EscalationAlertMapper.GatewayAgencyId;

    private readonly EscalationAlertMapper alerts = new(profiles);

    /// <summary>The alert as pretty JSON; the same arguments always give the same bytes.</summary>
    public string MapToJson(Submission notice, DateOnly plannedRelease, DateTimeOffset checkedAt) =>
        FhirJsonSerializer.Default.SerializeToString(Map(notice, plannedRelease, checkedAt), true);

    /// <summary>
    /// The alert for <paramref name="notice"/> (already cut down for the CJIT), whose release planned for
    /// <paramref name="plannedRelease"/> was not recorded by the check at <paramref name="checkedAt"/>.
    /// </summary>
    public Bundle Map(Submission notice, DateOnly plannedRelease, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var text = $"No release has been recorded by {ReleaseTimeline.OverdueCheckTime:HH:mm} on {plannedRelease:yyyy-MM-dd}, the planned release day "
            + $"notified by {notice.Event.From}. Check with the prison whether the person was released or the release was put back, and make sure "
            + "prescribing, naloxone and a first appointment are in place.";
        return alerts.Build(notice, DocumentType, ReleaseTimeline.OverdueAlertFlag, text, $"{notice.SubmissionId}/{DocumentType}", checkedAt);
    }
}
