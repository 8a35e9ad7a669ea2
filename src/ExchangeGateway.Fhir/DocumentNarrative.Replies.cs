using System.Xml.Linq;
using ExchangeGateway.Domain;
using static ExchangeGateway.Fhir.FhirNames;
using Narrative = Hl7.Fhir.Model.Narrative;

namespace ExchangeGateway.Fhir;

// The narrative of a community agency's reply: one plain sentence saying what it is and what it answers, then the facts.
// No safety alerts part: none are raised from a reply, and "none raised" would read as if the record had been checked.
public sealed partial class DocumentNarrative
{
    private Narrative ReplyComposition() => submission.Event.Type == EventTypes.ReceptionReply
        ? NarrativeOf(
            E("h2", title),
            Paragraph(CommunityRecordSentence()),
            Part("Person", PersonFacts()),
            Part("Reply", ReplyFacts()),
            Part("Last dose", LastDose()),
            Part("Current and recent prescriptions", Prescriptions()))
        : NarrativeOf(
            E("h2", title),
            Paragraph(EngagementSentence()),
            Part("Person", PersonFacts()),
            Part("Reply", ReplyFacts()));

    private XElement? ReplyFacts()
    {
        var e = submission.Event;
        return Facts(("From", e.From), ("When", PlainEnglish.DateTime(e.OccurredAt)), ("In reply to message", e.InReplyTo));
    }

    // "Community prescribing record for Jo Bloggs in reply to reception message <id>: last dispensed on ..., supervised, ..."
    private string? CommunityRecordSentence()
    {
        if (submission.Community is not { } community)
        {
            return null;
        }

        var person = submission.Person() is { } client ? $"{client.Forenames} {client.Surname}" : "the person";
        var facts = new List<string>
        {
            $"last dispensed on {PlainEnglish.Date(community.LastDispensedOn)}",
            community.Supervised ? "supervised consumption" : "unsupervised (taken away)",
        };
        if (community.DispensingSuspendedFrom is { } suspended)
        {
            facts.Add($"dispensing suspended from {PlainEnglish.Date(suspended)}");
        }

        if (community.Pharmacy is { } pharmacy)
        {
            facts.Add($"pharmacy {pharmacy}");
        }

        if (community.Prescriber is { } prescriber)
        {
            facts.Add($"prescriber {Person(prescriber)}");
        }

        return $"Community prescribing record for {person} in reply to reception message {submission.Event.InReplyTo}: {string.Join(", ", facts)}.";
    }

    private XElement? CommunityFacts() => submission.Community is not { } community
        ? null
        : Facts(
            ("Last dispensed on", Date(community.LastDispensedOn)),
            ("Supervised consumption", PlainEnglish.YesNo(community.Supervised)),
            ("Dispensing suspended from", Date(community.DispensingSuspendedFrom)),
            ("Pharmacy", community.Pharmacy),
            ("Prescriber", community.Prescriber is { } prescriber ? Person(prescriber) : null));

    // "Did not attend on 3 April 2026; next appointment at 10:00 UTC+01:00 on 10 April 2026; note: ..."
    private string? EngagementSentence()
    {
        if (submission.Engagement is not { } engagement)
        {
            return null;
        }

        var parts = new List<string> { $"{Display(Cs.EngagementOutcome, engagement.Outcome)} on {PlainEnglish.Date(engagement.Date)}" };
        if (engagement.NextAppointment is { } next)
        {
            parts.Add($"next appointment at {PlainEnglish.DateTime(next)}");
        }

        if (engagement.Note is { } note)
        {
            parts.Add($"note: {note}");
        }

        return string.Join("; ", parts) + ".";
    }
}
