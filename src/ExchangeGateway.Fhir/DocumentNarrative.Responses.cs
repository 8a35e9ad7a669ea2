using ExchangeGateway.Domain;
using static ExchangeGateway.Fhir.FhirNames;
using Narrative = Hl7.Fhir.Model.Narrative;

namespace ExchangeGateway.Fhir;

// The narrative of a business response: one sentence saying who decided what about which message and why, then what
// cannot be continued and any note, so a clinician reading only the text knows what to act on.
public sealed partial class DocumentNarrative
{
    /// <summary>The text of a business response's Composition (with <paramref name="title"/>) or of its section (title null).</summary>
    public static Narrative OfResponse(ProfileSet profiles, ResponseNotice notice, string? title)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(notice);
        var response = notice.Response;
        return NarrativeOf(
            title is null ? null : E("h2", title),
            Paragraph(ResponseSentence(profiles, notice)),
            Paragraph(response.CannotContinue is { Count: > 0 } items
                ? "Cannot continue: " + Sentence(string.Join("; ", items.Select(item => $"{ResponseMedication(profiles, item.Medication)} — {item.Reason}")))
                : null),
            Paragraph(response.Note is { } note ? $"Note: {Sentence(note)}" : null));
    }

    /// <summary>A medication a response names: its display when it is a code of the medication CodeSystem, else as given.</summary>
    public static string ResponseMedication(ProfileSet profiles, string medication)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        return profiles.HasCode(Cs.Medication, medication) ? profiles.Display(Cs.Medication, medication) : medication;
    }

    // "LEI (Prison) rejected the transfer message m-1 (submission s-1) at 14:05 UTC+00:00 on 3 December 2026: Dr A Khan (Prescriber, GMC 1234567): no bed."
    private static string ResponseSentence(ProfileSet profiles, ResponseNotice notice)
    {
        var response = notice.Response;
        var by = response.By;
        var who = by.ProfessionalId is { } id ? $"{by.Name} ({by.Role}, {id})" : $"{by.Name} ({by.Role})";
        var when = PlainEnglish.DateTime(notice.At.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var sentence = $"{notice.Responder} ({profiles.Display(Cs.AgencyType, notice.ResponderType)}) {ResponseOutcomes.Name(response.Outcome)} the "
            + $"{notice.AnsweredEventType.Replace('-', ' ')} message {notice.MessageId} (submission {notice.SubmissionId}) at {when}: {who}";
        return response.Reason is { } reason ? $"{sentence}: {Sentence(reason)}" : $"{sentence}.";
    }

    // The person's words as they wrote them, with a full stop only when they did not end the sentence themselves.
    private static string Sentence(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.EndsWith('.') || trimmed.EndsWith('!') || trimmed.EndsWith('?') ? trimmed : trimmed + ".";
    }
}
