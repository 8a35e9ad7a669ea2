using System.Globalization;
using System.Xml.Linq;
using ExchangeGateway.Domain;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// The parts of the narrative, one method per part, each reading only the submission (already cut down for the recipient).
public sealed partial class DocumentNarrative
{
    private XElement SafetyAlerts() => AlertList(flags.Select(flag => flag.Text).ToList());

    // Alerts come first and in bold: they are what a reader must act on before anything else.
    private static XElement AlertList(IReadOnlyList<string> alerts) => alerts.Count == 0
        ? E("p", E("strong", "Safety alerts:"), " none raised.")
        : E("div", E("h3", "Safety alerts"), E("ul", alerts.Select(alert => E("li", E("strong", alert)))));

    private XElement? PersonFacts()
    {
        var client = submission.Person() ?? throw new InvalidOperationException("the submission names no person");
        return Facts(
            ("Name", $"{client.Forenames} {client.Surname}"),
            ("NHS number", client.NhsNumber is { } nhs ? $"{PlainEnglish.NhsNumber(nhs)} ({NhsNumberStatus(client.NhsNumberStatus)})" : null),
            ("Date of birth", Date(client.DateOfBirth)),
            ("Prison number", client.PrisonNumber),
            ("GP practice", client.GpPractice),
            ("Interpreter needed", client.NeedsInterpreter is { } interpreter
                ? PlainEnglish.YesNo(interpreter) + (client.Language is { } language ? $" (language: {language})" : "")
                : client.Language is { } spoken ? $"not said (language: {spoken})" : null));
    }

    private string NhsNumberStatus(string? status) => status is null
        ? PlainEnglish.InSentence(NhsNumberVerification.Display(profiles, Client.DefaultNhsNumberStatus)) + "; the sender did not say"
        : PlainEnglish.InSentence(NhsNumberVerification.Display(profiles, status));

    private XElement? EventFacts()
    {
        var e = submission.Event;
        var assessment = Dir.Assessment;
        return Facts(
            ("Event", e.Type switch
            {
                EventTypes.Transfer => "Transfer between prisons",
                EventTypes.Release => "Release from prison",
                EventTypes.ReleaseNotice => "Notice of a coming release",
                _ => "Reception into custody",
            }),
            ("From", e.From),
            ("To", e.To),
            ("When", PlainEnglish.DateTime(e.OccurredAt)),
            ("Planned release", YesNo(e.PlannedRelease)),
            ("Release date", Date(Dir.ReleasePlan?.ReleaseDate)),
            ("Expected release date", Dir.ReleasePlan?.ReleaseDate is null ? Date(Dir.Custody?.ExpectedReleaseDate) : null),
            ("Assessment", $"{Display(Cs.AssessmentType, assessment.Type)} on {PlainEnglish.Date(assessment.Date)} by {Person(assessment.Assessor)}"
                + (assessment.Agency is { } agency ? $", {agency}" : "")));
    }

    private XElement? CustodyFacts() => Dir.Custody is not { } custody
        ? null
        : Facts(
            ("Establishment", custody.Establishment),
            ("Received into custody", Date(custody.ReceptionDate)),
            ("Custody status", Display(Cs.CustodyStatus, custody.Status)),
            ("Expected release date", Date(custody.ExpectedReleaseDate)));

    private XElement? ReleasePlanFacts() => Dir.ReleasePlan is not { } plan
        ? null
        : Facts(
            ("Release date", Date(plan.ReleaseDate)),
            ("Release address", plan.ReleaseAddress is { } address ? AddressText(address) : null),
            ("Accommodation on release", Display(Cs.Accommodation, plan.Accommodation)),
            ("CJIT", plan.CjitArea),
            ("Community treatment provider", plan.CommunityProvider),
            ("Referred to community treatment", YesNo(plan.ReferredToCommunityTreatment)),
            ("First appointment", DateTime(plan.FirstAppointment)));

    private XElement? FirstAppointment() =>
        Paragraph(Dir.ReleasePlan?.FirstAppointment is { } first ? $"First community appointment at {PlainEnglish.DateTime(first)}." : null);

    private XElement? Substances() => List(Dir.Substances.OrderBy(s => s.Rank).Select(use =>
    {
        var details = new List<string?>
        {
            Display(Cs.Route, use.Route) is { } route ? PlainEnglish.InSentence(route) : null,
            Display(Cs.UseFrequency, use.Frequency) is { } frequency ? PlainEnglish.InSentence(frequency) : null,
            use.AgeFirstUsed is { } age ? string.Create(CultureInfo.InvariantCulture, $"first used at age {age}") : null,
        }.OfType<string>().ToList();
        var name = $"{use.Rank}. {Display(Cs.Substance, use.Substance)}";
        return details.Count == 0 ? name : $"{name}: {string.Join(", ", details)}";
    }));

    private XElement? InjectingFacts() => Dir.Injecting is not { } injecting
        ? null
        : Facts(("Injecting", Display(Cs.InjectingStatus, injecting.Status)), ("Shared equipment", YesNo(injecting.SharedEquipment)));

    private XElement? Treatments() => List((Dir.TreatmentInPrison ?? []).Select(t =>
        $"{Display(Cs.TreatmentModality, t.Modality)} from {PlainEnglish.Date(t.Start)}"
        + (t.End is { } end ? $" to {PlainEnglish.Date(end)}" : "")
        + (t.Outcome is { } outcome ? $" ({PlainEnglish.InSentence(Display(Cs.TreatmentOutcome, outcome))})" : "")));

    private XElement? OnOst() =>
        Paragraph(submission.Prescribing?.OnOst is { } onOst ? (onOst ? "On opioid substitution therapy." : "Not on opioid substitution therapy.") : null);

    private XElement? Prescriptions() => List((submission.Prescribing?.Prescriptions ?? []).Select(p =>
    {
        var first = $"{MedicationName(p.Medication, p.MedicationText)}, {PlainEnglish.Dose(p.Dose)}"
            + (Display(Cs.DoseFrequency, p.Frequency) is { } frequency ? " " + PlainEnglish.InSentence(frequency) : "");
        var details = new List<string?>
        {
            first,
            p.Supervised is { } supervised ? (supervised ? "supervised" : "not supervised") : null,
            p.Start is { } start ? $"from {PlainEnglish.Date(start)}" + (p.End is { } end ? $" to {PlainEnglish.Date(end)}" : "") : p.End is { } until ? $"until {PlainEnglish.Date(until)}" : null,
            Display(Cs.PrescriptionStatus, p.Status) is { } status ? PlainEnglish.InSentence(status) : null,
            p.Prescriber is { } prescriber ? $"prescribed by {Person(prescriber)}" : null,
        };
        return string.Join(", ", details.OfType<string>()) + ".";
    }));

    // The section kept with emptyReason "nil known" says the same in words.
    private XElement? NothingPrescribed() => submission.Prescribing is { OnOst: null, Prescriptions: null or [], LastDose: null, BridgingPrescription: null, Naloxone: null }
        ? Paragraph("Nil known: the prescribing record lists no medication.")
        : null;

    private XElement? Bridging() => submission.Prescribing?.BridgingPrescription is not { } bridging
        ? null
        : Paragraph($"{MedicationName(bridging.Medication)}, {PlainEnglish.Dose(bridging.Dose)}, "
            + string.Create(CultureInfo.InvariantCulture, $"{bridging.Days} {(bridging.Days == 1 ? "day's" : "days'")} supply")
            + (bridging.Pharmacy is { } pharmacy ? $", from pharmacy {pharmacy}." : "; no pharmacy given."));

    // The CJIT's summary keeps the date of the last dose only; the text says so rather than inventing a time.
    private XElement? LastDose() => submission.Prescribing?.LastDose is not { } dose
        ? null
        : Paragraph($"{MedicationName(dose.Medication)}, {PlainEnglish.Dose(dose.Dose)} "
            + (dose.AdministeredAt.Length == 10 ? $"on {PlainEnglish.Date(dose.AdministeredAt)} (this copy gives the date only)" : $"at {PlainEnglish.DateTime(dose.AdministeredAt)}")
            + (dose.Witnessed is { } witnessed ? (witnessed ? " (witnessed)." : " (not witnessed).") : "."));

    private XElement? NaloxoneSupply() => submission.Prescribing?.Naloxone is not { } naloxone
        ? null
        : Paragraph(!naloxone.Issued
            ? "Not issued."
            : "Issued" + (naloxone.IssuedOn is { } on ? $" on {PlainEnglish.Date(on)}" : "")
                + (Display(Cs.NaloxoneProduct, naloxone.Product) is { } product ? $": {product}" : "")
                + (naloxone.TrainingGiven is { } training ? (training ? "; training given." : "; no training given.") : "."));

    private XElement? RiskFacts() => Dir.Risks is not { } risks
        ? null
        : Facts(
            ("Overdose risk", Display(Cs.OverdoseRisk, risks.OverdoseRisk)),
            ("Reduced tolerance", YesNo(risks.ReducedTolerance)),
            ("Self-harm", YesNo(risks.SelfHarm)),
            ("Mental health need", YesNo(risks.MentalHealthNeed)));

    private XElement? BloodBorneVirusFacts() => Dir.Risks?.Bbv is not { } bbv
        ? null
        : Facts(
            ("Hepatitis C", Display(Cs.BbvResult, bbv.HepatitisC)),
            ("Hepatitis B", Display(Cs.BbvResult, bbv.HepatitisB)),
            ("HIV", Display(Cs.BbvResult, bbv.Hiv)),
            ("Tested on", Date(bbv.TestedOn)));

    private XElement? ConsentFacts()
    {
        var consent = Dir.Consent;
        return Facts(
            ("Recorded", PlainEnglish.DateTime(consent.RecordedAt)),
            ("Consents to share with", consent.ShareWith.Count == 0 ? "no one" : string.Join(", ", consent.ShareWith.Select(type => Display(Cs.RecipientType, type)))),
            ("Withdrawn", DateTime(consent.WithdrawnAt)),
            ("Shared without consent on the legal basis of", Display(Cs.LegalBasis, consent.Override?.LegalBasis)),
            ("Authorised by", consent.Override is { } over ? Person(over.AuthorisedBy) : null),
            ("Justification", consent.Override?.Justification));
    }

    // Free text keeps its line breaks as <br/>; tabs and other spacing stay as the keyworker typed them.
    private XElement? KeyworkerNotes()
    {
        if (Dir.KeyworkerNotes is not { } notes)
        {
            return null;
        }

        var lines = notes.ReplaceLineEndings("\n").Split('\n');
        return E("p", lines.SelectMany((line, i) => i == 0 ? new object[] { line } : [E("br"), line]).ToArray());
    }

    // Only a reception asks the community services to act; other documents say nothing of it.
    private string? ReceptionRequestText()
    {
        var e = submission.Event;
        if (e.Type != EventTypes.Reception)
        {
            return null;
        }

        var custody = submission.Dir?.Custody;
        return $"In custody at {custody?.Establishment ?? e.From} since {PlainEnglish.DateTime(custody?.ReceptionDate ?? e.OccurredAt)}. "
            + "Stop community dispensing of opioid substitution treatment for this person. Reply with the community prescribing record "
            + "(last dispensed, supervised, pharmacy, prescriber) as a reception-reply in reply to this message.";
    }

    private XElement? OffenceFacts() => Dir.Offence is not { } offence
        ? null
        : Facts(("Offence category", offence.Category), ("Trigger offence", YesNo(offence.TriggerOffence)));
}
