using System.Diagnostics.CodeAnalysis;
using System.Xml.Linq;
using ExchangeGateway.Domain;
using Address = ExchangeGateway.Domain.Address;
using Narrative = Hl7.Fhir.Model.Narrative;
using Practitioner = ExchangeGateway.Domain.Practitioner;

namespace ExchangeGateway.Fhir;

/// <summary>
/// The human-readable text of a document (<c>Composition.text</c> and each section's <c>text</c>), written from the same
/// submission the entries are mapped from, so a recipient's copy says no more than its entries do.
/// </summary>
/// <remarks>
/// Each part (the person, the last dose, the risks, ...) is written in one place and used both in the Composition's summary
/// and in the section whose entries hold it. A part the submission does not have is left out rather than said to be
/// absent: a copy cut down for a recipient lacks what that recipient may not see, which is not the same as "none".
/// The XHTML is built as XML elements, so every value is escaped; it uses only the elements FHIR's narrative rules allow,
/// with no attributes, scripts or links.
/// </remarks>
public sealed partial class DocumentNarrative(ProfileSet profiles, Submission submission, IReadOnlyList<SafetyFlag> flags, string title)
{
    /// <summary>The XHTML namespace every narrative div is in.</summary>
    public const string XhtmlNamespace = "http://www.w3.org/1999/xhtml";

    private static readonly XNamespace Xhtml = XhtmlNamespace;

    /// <summary>The whole document in brief: a reply's summary sentence, or the safety alerts first.</summary>
    public Narrative Composition() => EventTypes.IsReply(submission.Event.Type) ? ReplyComposition() : RecordComposition();

    // Only a prison's event has a DIR; a reply's parts never reach for it (DocumentNarrative.Replies.cs).
    private Dir Dir => submission.Dir ?? throw new InvalidOperationException("a reply carries no DIR");

    private Narrative RecordComposition() => NarrativeOf(
        E("h2", title),
        SafetyAlerts(),
        Paragraph(ReceptionRequestText()),
        Part("Person", PersonFacts()),
        Part("Event", EventFacts()),
        Part("Last dose", LastDose()),
        Part("Current and recent prescriptions", Prescriptions()),
        Part("Bridging prescription", Bridging()),
        Part("First appointment", FirstAppointment()),
        Part("Naloxone", NaloxoneSupply()),
        Part("Risks", RiskFacts(), BloodBorneVirusFacts()));

    /// <summary>The text of one section (a code of the document-section CodeSystem), from the data its entries hold.</summary>
    public Narrative Section(string sectionCode) => sectionCode switch
    {
        "custody-release" => NarrativeOf(Part("Custody", CustodyFacts()), Part("Release plan", ReleasePlanFacts())),
        "substance-use" => NarrativeOf(Part("Problem substances", Substances()), Part("Injecting", InjectingFacts())),
        "treatment-in-prison" => NarrativeOf(Treatments()),
        "medications" => NarrativeOf(
            Part("Opioid substitution therapy", OnOst()),
            Part("Current and recent prescriptions", Prescriptions()),
            Part("Bridging prescription", Bridging()),
            Part("Last dose", LastDose()),
            Part("Naloxone", NaloxoneSupply()),
            NothingPrescribed()),
        "risks-alerts" => NarrativeOf(SafetyAlerts(), Part("Risks", RiskFacts()), Part("Blood-borne viruses", BloodBorneVirusFacts())),
        "consent" => NarrativeOf(ConsentFacts()),
        "keyworker-notes" => NarrativeOf(KeyworkerNotes()),
        "offence" => NarrativeOf(OffenceFacts()),
        "community-dispensing" => NarrativeOf(Paragraph(CommunityRecordSentence()), Part("Community dispensing", CommunityFacts())),
        "engagement" => NarrativeOf(Paragraph(EngagementSentence())),
        ReleaseSummaryMapper.ReceptionRequestSection => NarrativeOf(Paragraph(ReceptionRequestText())),
        _ => throw new ArgumentOutOfRangeException(nameof(sectionCode), sectionCode, "not a section of the document-section CodeSystem"),
    };

    /// <summary>The text of a document or section that holds only alerts (the overdue-release alert): its title when given, then the alerts.</summary>
    public static Narrative OfAlerts(string? title, IReadOnlyList<string> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        return NarrativeOf(title is null ? null : E("h2", title), AlertList(alerts));
    }

    private static Narrative NarrativeOf(params XElement?[] parts)
    {
        var present = parts.OfType<XElement>().ToList();

        // FHIR requires narrative to say something; a section whose entries carry no details says so rather than nothing.
        var div = E("div", present.Count > 0 ? present : [E("p", "No details given.")]);
        return new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = div.ToString(SaveOptions.DisableFormatting) };
    }

    /// <summary>An XHTML element; text content is made safe for XML (escaping is the serialiser's job).</summary>
    private static XElement E(string name, params object?[] content) =>
        new(Xhtml + name, content.Select(c => c is string text ? PlainEnglish.XmlSafe(text) : c));

    /// <summary>A headed part, or null when it has nothing to say.</summary>
    private static XElement? Part(string heading, params XElement?[] body)
    {
        var present = body.OfType<XElement>().ToList();
        return present.Count == 0 ? null : E("div", E("h3", heading), present);
    }

    /// <summary>A two-column table of the facts that are known; null when none are.</summary>
    private static XElement? Facts(params (string Label, string? Value)[] rows)
    {
        var known = rows.Where(r => r.Value is not null).ToList();
        return known.Count == 0 ? null : E("table", E("tbody", known.Select(r => E("tr", E("th", r.Label), E("td", r.Value)))));
    }

    private static XElement? Paragraph(string? text) => text is null ? null : E("p", text);

    private static XElement? List(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count == 0 ? null : E("ul", all.Select(item => E("li", item)));
    }

    [return: NotNullIfNotNull(nameof(code))]
    private string? Display(string codeSystemName, string? code) => code is null ? null : profiles.Display(codeSystemName, code);

    private static string? YesNo(bool? value) => value is { } flag ? PlainEnglish.YesNo(flag) : null;

    private static string? Date(string? text) => text is null ? null : PlainEnglish.Date(text);

    private static string? DateTime(string? text) => text is null ? null : PlainEnglish.DateTime(text);

    private static string Person(Practitioner practitioner) =>
        practitioner.Role is { } role ? $"{practitioner.Name} ({role})" : practitioner.Name;

    // A coded medication reads as its display, or as the sender's own words for "other"; free text reads as given.
    private string MedicationName(string medication, string? text = null)
    {
        if (!profiles.HasCode(FhirNames.Cs.Medication, medication))
        {
            return medication;
        }

        var display = Display(FhirNames.Cs.Medication, medication);
        return text is null ? display : medication == "other" ? text : $"{display} ({text})";
    }

    private static string AddressText(Address address) =>
        string.Join(", ", (address.Lines ?? []).Append(address.Town).Append(address.Postcode).OfType<string>());
}
