using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering.Tests;

/// <summary>The gateway's own notices, built by the real mappers as the gateway sends them, for the page tests.</summary>
internal static class RenderedNotices
{
    public const string OverdueAlert = OverdueReleaseAlertMapper.DocumentType;
    public const string EscalationAlert = EscalationAlertMapper.DocumentType;
    public const string UnplannedAlert = UnplannedReleaseAlertMapper.DocumentType;
    public const string Response = ResponseDocumentMapper.DocumentType;

    public const string ClinicianName = "Dr A Khan";
    public const string MessageId = "msg-7f3a";
    public const string SubmissionId = "sub-2b91";
    public const string Reason = "No detox bed until Monday";

    public static readonly DateTimeOffset At = new(2026, 3, 12, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<string> All { get; } = [OverdueAlert, EscalationAlert, UnplannedAlert, Response];

    /// <summary>The notice of a document type; an escalation alert is of the release-acceptance kind.</summary>
    public static Bundle Document(string documentType) => documentType switch
    {
        OverdueAlert => new OverdueReleaseAlertMapper(ProfileSet.Embedded).Map(ForCjit(ReleaseNotice()), new DateOnly(2026, 3, 13), At),
        EscalationAlert => Escalation(EscalationKinds.ReleaseAcceptanceDue),
        UnplannedAlert => new UnplannedReleaseAlertMapper(ProfileSet.Embedded).Map(ForCjit(CourtRelease()), At),
        Response => ResponseTo(Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(documentType), documentType, "not a gateway notice"),
    };

    public static Bundle Escalation(string kind)
    {
        var source = ForCjit(RenderedExamples.Read(Examples.ReleaseOst));
        return new EscalationAlertMapper(ProfileSet.Embedded).Map(source, kind, EscalationText(kind), $"{source.SubmissionId}/{kind}/42", At);
    }

    public static string EscalationText(string kind) => $"Escalation {kind}: the GP at Y01234 has not accepted the release record for release on 13 March 2026.";

    /// <summary>A rejection by a named prescriber at the receiving prison, giving <paramref name="reason"/>.</summary>
    public static Bundle ResponseTo(string reason) => new ResponseDocumentMapper(ProfileSet.Embedded).Map(new ResponseNotice(
        MessageId,
        SubmissionId,
        EventTypes.Transfer,
        "LEI",
        AgencyTypes.Prison,
        "HLI",
        new BusinessResponse(
            ResponseOutcome.Rejected,
            new Responder(ClinicianName, "Prescriber", "GMC 1234567"),
            Reason: reason,
            Note: "Please call the healthcare unit",
            CannotContinue: [new CannotContinue("Pregabalin 300 mg", "needs a specialist review")]),
        At));

    public static string Page(string documentType) => DocumentPage.Render(Document(documentType));

    private static Submission ReleaseNotice()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["type"] = "release-notice";
        json["event"]!["occurredAt"] = "2026-03-06T10:00:00+00:00";
        return RenderedExamples.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    // A release from court of a person on methadone with no bridging prescription.
    private static Submission CourtRelease()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["plannedRelease"] = false;
        json["prescribing"]!.AsObject().Remove("bridgingPrescription");
        return RenderedExamples.Read(Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    private static Submission ForCjit(Submission submission) => RecordMinimiser.For(submission, AgencyTypes.Cjit);
}
