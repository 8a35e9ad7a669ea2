using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Builds the gateway's "unplanned release" alert to a CJIT: a document Bundle (Composition type <c>unplanned-release-alert</c>)
/// whose one risks-alerts section holds a single <c>unplanned-release-without-bridging</c> Flag about the Patient of the
/// release, made by the shared alert builder of <see cref="EscalationAlertMapper"/>.
/// </summary>
public sealed class UnplannedReleaseAlertMapper(ProfileSet profiles)
{
    /// <summary>The alert's code in the document-type CodeSystem, and the event type it is stored and listed under.</summary>
    public const string DocumentType = "unplanned-release-alert";

    private readonly EscalationAlertMapper alerts = new(profiles);

    /// <summary>The alert as pretty JSON; the same arguments always give the same bytes.</summary>
    public string MapToJson(Submission release, DateTimeOffset acceptedAt) =>
        FhirJsonSerializer.Default.SerializeToString(Map(release, acceptedAt), true);

    /// <summary>
    /// The alert for <paramref name="release"/> (already cut down for the CJIT), accepted at <paramref name="acceptedAt"/>;
    /// <see cref="UnplannedReleaseAlert.IsRaisedBy"/> decides, on the whole release, whether one is sent.
    /// </summary>
    public Bundle Map(Submission release, DateTimeOffset acceptedAt)
    {
        ArgumentNullException.ThrowIfNull(release);
        return alerts.Build(release, DocumentType, UnplannedReleaseAlert.FlagCode, UnplannedReleaseAlert.Text(release), $"{release.SubmissionId}/{DocumentType}", acceptedAt);
    }
}
