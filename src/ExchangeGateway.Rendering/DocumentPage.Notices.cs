using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;
using static ExchangeGateway.Rendering.PrintablePage;
using FhirPractitioner = Hl7.Fhir.Model.Practitioner;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ExchangeGateway.Rendering;

// The gateway's own notices carry no submission for SubmissionUnmapper, so their facts are read from the resources the
// alert and response mappers write; the flags box, the sections and the footer are the record page's own.
public static partial class DocumentPage
{
    private static string RenderNotice(Bundle bundle, string documentType, AgencyDirectory? agencies)
    {
        var composition = (Composition)bundle.Entry[0].Resource!;
        var byUrl = ByUrl(bundle);
        var title = composition.Title ?? "Document";
        var body = new StringBuilder();
        string about;
        if (GatewayNotices.IsResponse(documentType))
        {
            var task = bundle.Entry.Select(e => e.Resource).OfType<FhirTask>().FirstOrDefault()
                ?? throw new UnmapException("Task", "the response document holds no Task");
            about = $"message {task.Focus?.Identifier?.Value}";
            Header(body, title, () => ResponseFacts(body, task, composition, byUrl, agencies));

            // No flags box: a response is about a message, not a person, and "no safety flags" would read as an all-clear.
        }
        else
        {
            var patient = Resolve<Patient>(composition.Subject, byUrl) ?? throw new UnmapException("Composition.subject", "the alert names no Patient inside the bundle");
            var name = patient.Name.FirstOrDefault();
            about = name is null ? "unnamed person" : $"{PersonName.JoinForenames(name.Given.Select(g => g ?? string.Empty))} {name.Family}".Trim();
            Header(body, title, () => AlertFacts(body, about, patient, composition, byUrl, agencies));
            Flags(body, bundle.Entry.Select(e => e.Resource).OfType<Flag>());
        }

        SectionsAndFooter(body, bundle, composition, GatewayNotices.IsResponse(documentType) ? null : composition.Identifier?.Value);
        return Wrap($"{title}: {about}", body.ToString());
    }

    private static void AlertFacts(StringBuilder body, string name, Patient patient, Composition composition, Dictionary<string, Resource> byUrl, AgencyDirectory? agencies)
    {
        string? Identifier(string system) => patient.Identifier.FirstOrDefault(i => i.System == system)?.Value;
        PersonFacts(body, name, Identifier(Systems.NhsNumber), Identifier(Systems.PrisonNumber), patient.BirthDate);
        if (composition.Section.SelectMany(s => s.Entry).Select(e => Resolve<Flag>(e, byUrl)).OfType<Flag>().FirstOrDefault()?.Code?.Coding.FirstOrDefault() is { } kind)
        {
            Fact(body, "Alert", kind.Display ?? kind.Code ?? "alert");
        }

        if (AgencyOf(composition.Author.FirstOrDefault(), byUrl) is { } from)
        {
            Fact(body, "From", AgencyNames.Describe(from, agencies));
        }

        if (composition.Date is { } raised)
        {
            Fact(body, "Raised", PlainDates.DayAndTime(raised));
        }
    }

    private static void ResponseFacts(StringBuilder body, FhirTask task, Composition composition, Dictionary<string, Resource> byUrl, AgencyDirectory? agencies)
    {
        var outcome = task.BusinessStatus?.Coding.FirstOrDefault();
        Fact(body, "Outcome", outcome?.Display ?? outcome?.Code ?? task.Status?.ToString() ?? "not given");
        var role = Resolve<PractitionerRole>(task.Owner, byUrl);
        var practitioner = Resolve<FhirPractitioner>(role?.Practitioner, byUrl);
        Fact(body, "Answered by", practitioner?.Name.FirstOrDefault()?.Text ?? "not named");
        if (role?.Code.FirstOrDefault()?.Text is { } roleName)
        {
            Fact(body, "Role", roleName);
        }

        if (practitioner?.Identifier.FirstOrDefault(i => i.System == Systems.ProfessionalId)?.Value is { } professionalId)
        {
            Fact(body, "Professional id", professionalId);
        }

        if (AgencyOf(role?.Organization, byUrl) is { } organisation)
        {
            Fact(body, "Organisation", AgencyNames.Describe(organisation, agencies));
        }

        if (AgencyOf(task.Requester, byUrl) is { } sender)
        {
            Fact(body, "To", AgencyNames.Describe(sender, agencies));
        }

        Fact(body, "Message answered", task.Focus?.Identifier?.Value ?? "not named");
        if (task.GroupIdentifier?.Value is { } submissionId)
        {
            Fact(body, "Submission", submissionId);
        }

        if ((task.AuthoredOn ?? composition.Date) is { } when)
        {
            Fact(body, "When", PlainDates.DayAndTime(when));
        }

        if (task.StatusReason?.Text is { } reason)
        {
            Fact(body, "Reason", reason);
        }

        foreach (var output in task.Output.Where(o => o.Type?.Coding.Any(c => c.Code == ResponseDocumentMapper.CannotContinueOutput) == true))
        {
            Fact(body, "Cannot continue", output.Value?.ToString() ?? string.Empty);
        }

        foreach (var note in task.Note.Select(n => n.Text).OfType<string>())
        {
            Fact(body, "Note", note);
        }
    }

    private static string? AgencyOf(ResourceReference? reference, Dictionary<string, Resource> byUrl) =>
        Resolve<Organization>(reference, byUrl)?.Identifier.FirstOrDefault()?.Value;

    private static T? Resolve<T>(ResourceReference? reference, Dictionary<string, Resource> byUrl) where T : Resource =>
        reference?.Reference is { } url && byUrl.TryGetValue(url, out var resource) ? resource as T : null;
}
