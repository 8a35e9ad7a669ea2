using System.Globalization;
using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static ExchangeGateway.Fhir.FhirNames;
using FhirPractitioner = Hl7.Fhir.Model.Practitioner;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Builds the document that carries a business response (the ITK3 business acknowledgement) to the original sender: a document
/// Bundle (Composition type <c>message-response</c>) whose one <c>response</c> section holds a <c>Task</c> saying who answered
/// which message, accepted or rejected, why, and which medication cannot be continued (see profiles/MAPPING.md).
/// </summary>
public sealed class ResponseDocumentMapper(ProfileSet profiles)
{
    /// <summary>The document's code in the document-type CodeSystem.</summary>
    public const string DocumentType = "message-response";

    /// <summary>The code of the document's one section.</summary>
    public const string SectionCode = "response";

    /// <summary>The Task.output type of a medication that cannot be continued.</summary>
    public const string CannotContinueOutput = "cannot-continue";

    /// <summary>The document as pretty JSON; the same notice always gives the same bytes.</summary>
    public string MapToJson(ResponseNotice notice) => FhirJsonSerializer.Default.SerializeToString(Map(notice), true);

    /// <summary>The document as a Bundle, identified <c>{MessageId}/response</c> in the submission system.</summary>
    public Bundle Map(ResponseNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(notice.Response);
        var documentId = $"{notice.MessageId}/{SectionCode}";
        string Url(string role) => DeterministicId.Urn(documentId, role);
        var when = notice.At.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var response = notice.Response;

        var compositionUrl = Url("Composition");
        var responderUrl = Url("Organization/responder");
        var senderUrl = Url("Organization/sender");
        var practitionerUrl = Url("Practitioner");
        var roleUrl = Url("PractitionerRole");
        var taskUrl = Url("Task");

        var practitioner = new FhirPractitioner { Name = [new HumanName { Text = response.By.Name }] };
        if (response.By.ProfessionalId is { } professionalId)
        {
            practitioner.Identifier.Add(new Identifier(Systems.ProfessionalId, professionalId));
        }

        var role = new PractitionerRole
        {
            Practitioner = new ResourceReference(practitionerUrl),
            Organization = new ResourceReference(responderUrl),
            Code = [new CodeableConcept { Text = response.By.Role }],
        };

        var title = profiles.Display(Cs.DocumentType, DocumentType);
        var composition = new Composition
        {
            Status = CompositionStatus.Final,
            Type = Coded(Cs.DocumentType, DocumentType),
            Date = when,
            Title = title,
            Text = DocumentNarrative.OfResponse(profiles, notice, title),
            Confidentiality = ReleaseSummaryMapper.DocumentConfidentiality,
            Author = [new ResourceReference(responderUrl)],
            Extension = [new Extension(StructureDefinition(Ext.InReplyTo), new Identifier(Systems.Message, notice.MessageId))],
            Section =
            [
                new Composition.SectionComponent
                {
                    Title = profiles.Display(Cs.DocumentSection, SectionCode),
                    Code = Coded(Cs.DocumentSection, SectionCode),
                    Text = DocumentNarrative.OfResponse(profiles, notice, null),
                    Entry = [new ResourceReference(taskUrl)],
                },
            ],
        };

        return new Bundle
        {
            Identifier = new Identifier(Systems.Submission, documentId),
            Type = Bundle.BundleType.Document,
            TimestampElement = new Instant { JsonValue = when },
            Meta = ReleaseSummaryMapper.DocumentSecurityLabels(),
            Entry =
            [
                new() { FullUrl = compositionUrl, Resource = composition },
                new() { FullUrl = taskUrl, Resource = ResponseTask(notice, when, roleUrl, senderUrl) },
                new() { FullUrl = roleUrl, Resource = role },
                new() { FullUrl = practitionerUrl, Resource = practitioner },
                new() { FullUrl = responderUrl, Resource = Agency(notice.ResponderType, notice.Responder) },
                new() { FullUrl = senderUrl, Resource = Agency("agency", notice.Sender) },
                new() { FullUrl = Url("Provenance"), Resource = DocumentProvenance.AuthoredBy(compositionUrl, when, responderUrl) },
            ],
        };
    }

    private FhirTask ResponseTask(ResponseNotice notice, string when, string ownerUrl, string senderUrl)
    {
        var response = notice.Response;
        var task = new FhirTask
        {
            Status = response.Outcome == ResponseOutcome.Accepted ? FhirTask.TaskStatus.Completed : FhirTask.TaskStatus.Rejected,
            Intent = FhirTask.TaskIntent.Order,
            BusinessStatus = Coded(Cs.ResponseOutcome, ResponseOutcomes.Name(response.Outcome)),

            // The message is named, not cited: the sender holds it, and the response need not carry its content.
            Focus = new ResourceReference { Identifier = new Identifier(Systems.Message, notice.MessageId) },

            // Every message made from one submission (one per recipient) is answered by its own Task; the submission groups them.
            GroupIdentifier = new Identifier(Systems.Submission, notice.SubmissionId),
            AuthoredOn = when,
            LastModified = when,
            Requester = new ResourceReference(senderUrl),
            Owner = new ResourceReference(ownerUrl),
        };
        if (response.Reason is { } reason)
        {
            task.StatusReason = new CodeableConcept { Text = reason };
        }

        if (response.Note is { } note)
        {
            task.Note.Add(new Annotation { Text = note });
        }

        foreach (var item in response.CannotContinue ?? [])
        {
            task.Output.Add(new FhirTask.OutputComponent
            {
                Type = Coded(Cs.ResponseOutput, CannotContinueOutput),
                Value = new FhirString($"{DocumentNarrative.ResponseMedication(profiles, item.Medication)}: {item.Reason}"),
            });
        }

        return task;
    }

    private Organization Agency(string type, string id) => new()
    {
        Identifier = [new Identifier(AgencyIdentifiers.SystemFor(type), id)],
        Type = [Coded(Cs.AgencyType, type)],
    };

    private CodeableConcept Coded(string codeSystem, string code) =>
        new() { Coding = [new Coding(FhirNames.CodeSystem(codeSystem), code, profiles.Display(codeSystem, code))] };
}
