using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;
using Address = ExchangeGateway.Domain.Address;
using Consent = ExchangeGateway.Domain.Consent;
using FhirAddress = Hl7.Fhir.Model.Address;
using FhirConsent = Hl7.Fhir.Model.Consent;
using FhirPractitioner = Hl7.Fhir.Model.Practitioner;
using Practitioner = ExchangeGateway.Domain.Practitioner;

namespace ExchangeGateway.Fhir;

/// <summary>Turns a document made by <see cref="ReleaseSummaryMapper"/> back into the submission: how a receiving system imports it.</summary>
public static partial class SubmissionUnmapper
{
    /// <summary>The submission the document carries; throws <see cref="UnmapException"/> naming what is missing.</summary>
    public static Submission Unmap(Bundle bundle) => new Reader(bundle).Submission();

    private sealed partial class Reader
    {
        private readonly Bundle bundle;
        private readonly Dictionary<string, Resource> byUrl;
        private readonly Composition composition;

        public Reader(Bundle bundle)
        {
            this.bundle = bundle;
            byUrl = [];
            foreach (var entry in bundle.Entry)
            {
                if (entry.FullUrl is { } url && entry.Resource is { } resource)
                {
                    byUrl.TryAdd(url, resource);
                }
            }

            composition = bundle.Entry.FirstOrDefault()?.Resource as Composition
                ?? throw new UnmapException("Bundle.entry[0]", "the document does not start with a Composition");
        }

        public Submission Submission()
        {
            var submissionId = bundle.Identifier?.Value ?? throw new UnmapException("Bundle.identifier", "the document has no submission id");
            var eventType = EventType(CodeOf(composition.Type, Cs.DocumentType) ?? throw new UnmapException("Composition.type", "missing"));
            var author = composition.Author.FirstOrDefault() ?? throw new UnmapException("Composition.author", "missing");
            var submissionEvent = new SubmissionEvent(
                eventType,
                composition.Date ?? throw new UnmapException("Composition.date", "missing"),
                AgencyId(author),
                composition.GetExtension(StructureDefinition(Ext.EventDestination))?.Value is ResourceReference to ? AgencyId(to) : null,
                (composition.GetExtension(StructureDefinition(Ext.PlannedRelease))?.Value as FhirBoolean)?.Value,
                (composition.GetExtension(StructureDefinition(Ext.InReplyTo))?.Value as Identifier)?.Value,
                (composition.GetExtension(StructureDefinition(Ext.PlannedMoveAt))?.Value as FhirDateTime)?.Value);
            if (EventTypes.IsReply(eventType))
            {
                return Reply(submissionId, submissionEvent);
            }

            var dir = new Dir(
                composition.Identifier?.Value ?? throw new UnmapException("Composition.identifier", "the document has no DIR id"),
                Assessment(),
                Client(),
                Custody(),
                Substances(),
                Injecting(),
                Treatments(),
                Risks(),
                OffenceDetails(),
                ReleasePlan(),
                (Single<Observation>(o => IsObservation(o, Obs.KeyworkerNote))?.Value as FhirString)?.Value,
                ConsentRecord());

            return new Submission(submissionId, submissionEvent, dir, PrescribingRecord());
        }

        private static string EventType(string documentType) => documentType switch
        {
            "transfer-record" => EventTypes.Transfer,
            "release-summary" => EventTypes.Release,
            "release-notice" => EventTypes.ReleaseNotice,
            "reception-record" => EventTypes.Reception,
            "reception-reply" => EventTypes.ReceptionReply,
            "engagement-report" => EventTypes.Engagement,
            _ => throw new UnmapException("Composition.type", $"'{documentType}' is not a document type of the project"),
        };

        private IEnumerable<T> All<T>() where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();

        private T? Single<T>(Func<T, bool> predicate) where T : Resource => All<T>().FirstOrDefault(predicate);

        private static bool IsObservation(Observation o, string code) => CodeOf(o.Code, Cs.ObservationCode) == code;

        private IEnumerable<Observation> Observations(string code) => All<Observation>().Where(o => IsObservation(o, code));

        private T Resolve<T>(ResourceReference reference, string path) where T : Resource =>
            reference.Reference is { } url && byUrl.TryGetValue(url, out var resource) && resource is T typed
                ? typed
                : throw new UnmapException(path, $"reference {reference.Reference} does not resolve to a {typeof(T).Name} inside the bundle");

        private static string? CodeOf(CodeableConcept? concept, string codeSystem) =>
            concept?.Coding.FirstOrDefault(c => c.System == CodeSystem(codeSystem))?.Code;

        private static string? CodeOf(DataType? value, string codeSystem) => CodeOf(value as CodeableConcept, codeSystem);

        private string AgencyId(ResourceReference reference) =>
            Resolve<Organization>(reference, "Organization").Identifier.FirstOrDefault()?.Value
            ?? throw new UnmapException("Organization.identifier", "an agency has no identifier");

        private Practitioner Person(ResourceReference reference)
        {
            var practitioner = Resolve<FhirPractitioner>(reference, "Practitioner");
            return new Practitioner(
                practitioner.Name.FirstOrDefault()?.Text ?? throw new UnmapException("Practitioner.name", "missing"),
                (practitioner.GetExtension(StructureDefinition(Ext.PractitionerRole))?.Value as FhirString)?.Value,
                practitioner.Identifier.FirstOrDefault(i => i.System == Systems.ProfessionalId)?.Value);
        }

        private static DataType? ComponentValue(Observation observation, string code) =>
            observation.Component.FirstOrDefault(c => CodeOf(c.Code, Cs.ObservationCode) == code)?.Value;

        private static bool? ComponentFlag(Observation observation, string code) => (ComponentValue(observation, code) as FhirBoolean)?.Value;

        private static Dose DoseOf(Quantity? quantity, string path) =>
            quantity?.Value is { } value && DoseUnits.FromUcum(quantity.Code) is { } unit
                ? new Dose(value, unit)
                : throw new UnmapException(path, "a dose needs a value and a unit");

        private static string MedicationOf(DataType? medication, string path) => medication is CodeableConcept concept
            ? CodeOf(concept, Cs.Medication) ?? concept.Text ?? throw new UnmapException(path, "missing")
            : throw new UnmapException(path, "missing");

        private Assessment Assessment()
        {
            var encounter = composition.Encounter is { } reference
                ? Resolve<Encounter>(reference, "Composition.encounter")
                : throw new UnmapException("Composition.encounter", "the document has no assessment");
            return new Assessment(
                encounter.Period?.Start ?? throw new UnmapException("Encounter.period.start", "missing"),
                CodeOf(encounter.Type.FirstOrDefault(), Cs.AssessmentType) ?? throw new UnmapException("Encounter.type", "missing"),
                Person(encounter.Participant.FirstOrDefault()?.Individual ?? throw new UnmapException("Encounter.participant", "missing")),
                encounter.ServiceProvider is { } provider ? AgencyId(provider) : null);
        }

        private Patient Patient() => Resolve<Patient>(composition.Subject ?? throw new UnmapException("Composition.subject", "missing"), "Composition.subject");

        private static Address? AddressOf(Patient patient, FhirAddress.AddressUse use) =>
            patient.Address.FirstOrDefault(a => a.Use == use) is { } address
                ? new Address(address.Line.Any() ? address.Line.Select(l => l ?? string.Empty).ToList() : null, address.City, address.PostalCode)
                : null;

        private Client Client()
        {
            var patient = Patient();
            var name = patient.Name.FirstOrDefault() ?? throw new UnmapException("Patient.name", "missing");
            string? Identifier(string system) => patient.Identifier.FirstOrDefault(i => i.System == system)?.Value;
            return new Client(
                name.Family ?? throw new UnmapException("Patient.name.family", "missing"),
                PersonName.JoinForenames(name.Given.Select(g => g ?? string.Empty)),
                patient.BirthDate ?? throw new UnmapException("Patient.birthDate", "missing"),
                patient.Gender switch
                {
                    AdministrativeGender.Male => "male",
                    AdministrativeGender.Female => "female",
                    AdministrativeGender.Other => "other",
                    _ => "unknown",
                },
                CodeOf(patient.GetExtension(StructureDefinition(Ext.EthnicCategory))?.Value, Cs.EthnicCategory),
                Identifier(Systems.NhsNumber),
                Identifier(Systems.PrisonNumber),
                Identifier(Systems.PncId),
                AddressOf(patient, FhirAddress.AddressUse.Home),
                patient.GeneralPractitioner.FirstOrDefault() is { } gp ? AgencyId(gp) : null,
                (patient.GetExtension(External.InterpreterRequired)?.Value as FhirBoolean)?.Value,
                patient.Communication.FirstOrDefault()?.Language?.Text,
                NhsNumberVerification.SenderStatus(patient.Identifier.FirstOrDefault(i => i.System == Systems.NhsNumber)));
        }

        private EpisodeOfCare? CustodyEpisode() => Single<EpisodeOfCare>(e => CodeOf(e.Type.FirstOrDefault(), Cs.EpisodeType) == "custody");

        private Custody? Custody()
        {
            if (CustodyEpisode() is not { } episode)
            {
                return null;
            }

            var custody = new Custody(
                episode.ManagingOrganization is { } establishment ? AgencyId(establishment) : null,
                episode.Period?.Start,
                CodeOf(episode.GetExtension(StructureDefinition(Ext.CustodyStatus))?.Value, Cs.CustodyStatus),
                (episode.GetExtension(StructureDefinition(Ext.ExpectedReleaseDate))?.Value as Date)?.Value);

            // An episode that only carries the planned release date was made for the release plan, not for custody.
            return custody == new Custody() && episode.Period?.End is not null ? null : custody;
        }

        private List<SubstanceUse> Substances() => Observations(Obs.ProblemSubstance).Select(o => new SubstanceUse(
            (ComponentValue(o, Obs.Rank) as Integer)?.Value ?? throw new UnmapException("Observation.component(substance-rank)", "missing"),
            CodeOf(o.Value, Cs.Substance) ?? throw new UnmapException("Observation.value", "the substance is missing"),
            CodeOf(ComponentValue(o, Obs.Route), Cs.Route),
            CodeOf(ComponentValue(o, Obs.Frequency), Cs.UseFrequency),
            (ComponentValue(o, Obs.AgeFirstUsed) as Integer)?.Value)).ToList();

        private Injecting? Injecting() => Observations(Obs.Injecting).FirstOrDefault() is { } o
            ? new Injecting(CodeOf(o.Value, Cs.InjectingStatus), ComponentFlag(o, Obs.SharedEquipment))
            : null;

        private List<TreatmentEpisode>? Treatments()
        {
            var treatments = All<EpisodeOfCare>()
                .Where(e => CodeOf(e.Type.FirstOrDefault(), Cs.TreatmentModality) is not null)
                .Select(e => new TreatmentEpisode(
                    CodeOf(e.Type.First(), Cs.TreatmentModality)!,
                    e.Period?.Start ?? throw new UnmapException("EpisodeOfCare.period.start", "a treatment has no start"),
                    e.Period.End,
                    CodeOf(e.GetExtension(StructureDefinition(Ext.TreatmentOutcome))?.Value, Cs.TreatmentOutcome)))
                .ToList();
            return treatments.Count > 0 ? treatments : null;
        }

        private Risks? Risks()
        {
            if (Observations(Obs.RiskAssessment).FirstOrDefault() is not { } o)
            {
                return null;
            }

            BloodBorneVirusStatus? bbv = Observations(Obs.BbvStatus).FirstOrDefault() is { } b
                ? new BloodBorneVirusStatus(
                    CodeOf(ComponentValue(b, Obs.HepatitisC), Cs.BbvResult),
                    CodeOf(ComponentValue(b, Obs.HepatitisB), Cs.BbvResult),
                    CodeOf(ComponentValue(b, Obs.Hiv), Cs.BbvResult),
                    (b.Effective as FhirDateTime)?.Value)
                : null;
            return new Risks(
                CodeOf(ComponentValue(o, Obs.OverdoseRisk), Cs.OverdoseRisk),
                ComponentFlag(o, Obs.ReducedTolerance),
                ComponentFlag(o, Obs.SelfHarm),
                ComponentFlag(o, Obs.MentalHealthNeed),
                bbv);
        }

        private Offence? OffenceDetails() => Observations(Obs.Offence).FirstOrDefault() is { } o
            ? new Offence((ComponentValue(o, Obs.OffenceCategory) as FhirString)?.Value, ComponentFlag(o, Obs.TriggerOffence))
            : null;

        private ReleasePlan? ReleasePlan()
        {
            if (Single<ServiceRequest>(r => CodeOf(r.Code, Cs.ServiceRequestCode) == "community-treatment-referral") is not { } referral)
            {
                return null;
            }

            string? Performer(string agencyType) => referral.Performer
                .Select(p => Resolve<Organization>(p, "ServiceRequest.performer"))
                .FirstOrDefault(org => CodeOf(org.Type.FirstOrDefault(), Cs.AgencyType) == agencyType)?.Identifier.FirstOrDefault()?.Value;

            var appointment = All<Appointment>().FirstOrDefault();
            return new ReleasePlan(
                CustodyEpisode()?.Period?.End,
                AddressOf(Patient(), FhirAddress.AddressUse.Temp),
                CodeOf(Observations(Obs.Accommodation).FirstOrDefault()?.Value, Cs.Accommodation),
                Performer(AgencyTypes.Cjit),
                Performer(AgencyTypes.CommunityTreatment),
                appointment?.StartElement?.JsonValue?.ToString(),
                referral.Status switch
                {
                    RequestStatus.Active => true,
                    RequestStatus.Draft => false,
                    _ => null,
                });
        }

        private Consent ConsentRecord()
        {
            var consent = Single<FhirConsent>(_ => true) ?? throw new UnmapException("Consent", "the document has no Consent");
            ConsentOverride? over = null;
            if (consent.GetExtension(StructureDefinition(Ext.ConsentOverride)) is { } extension)
            {
                over = new ConsentOverride(
                    CodeOf(extension.GetExtension("legalBasis")?.Value, Cs.LegalBasis) ?? throw new UnmapException("Consent.extension(consent-override).legalBasis", "missing"),
                    Person(extension.GetExtension("authorisedBy")?.Value as ResourceReference ?? throw new UnmapException("Consent.extension(consent-override).authorisedBy", "missing")),
                    (extension.GetExtension("justification")?.Value as FhirString)?.Value ?? throw new UnmapException("Consent.extension(consent-override).justification", "missing"));
            }

            return new Consent(
                consent.DateTime ?? throw new UnmapException("Consent.dateTime", "missing"),
                consent.Provision?.Provision.Select(p => CodeOf(p.Actor.FirstOrDefault()?.Role, Cs.RecipientType)
                    ?? throw new UnmapException("Consent.provision.provision.actor.role", "missing")).ToList() ?? [],
                consent.Provision?.Period?.End,
                over);
        }

        private Prescribing? PrescribingRecord()
        {
            if (!composition.Section.Any(section => CodeOf(section.Code, Cs.DocumentSection) == "medications"))
            {
                return null;
            }

            var requests = All<MedicationRequest>().ToList();
            var prescriptions = requests.Where(r => CodeOf(r.Category.FirstOrDefault(), Cs.PrescriptionCategory) == "prescription").Select(Prescription).ToList();
            var bridging = requests.FirstOrDefault(r => CodeOf(r.Category.FirstOrDefault(), Cs.PrescriptionCategory) == "bridging") is { } b
                ? new BridgingPrescription(
                    MedicationOf(b.Medication, "MedicationRequest.medication"),
                    DoseOf(b.DosageInstruction.FirstOrDefault()?.DoseAndRate.FirstOrDefault()?.Dose as Quantity, "MedicationRequest.dosageInstruction.doseAndRate.dose"),
                    (int)(b.DispenseRequest?.ExpectedSupplyDuration?.Value ?? throw new UnmapException("MedicationRequest.dispenseRequest.expectedSupplyDuration", "missing")),
                    b.DispenseRequest.Performer is { } pharmacy ? AgencyId(pharmacy) : null)
                : null;
            var lastDose = All<MedicationAdministration>().FirstOrDefault() is { } a
                ? new LastDose(
                    MedicationOf(a.Medication, "MedicationAdministration.medication"),
                    DoseOf(a.Dosage?.Dose, "MedicationAdministration.dosage.dose"),
                    (a.Effective as FhirDateTime)?.Value ?? throw new UnmapException("MedicationAdministration.effective", "the last dose has no time"),
                    (a.GetExtension(StructureDefinition(Ext.DoseWitnessed))?.Value as FhirBoolean)?.Value)
                : null;
            var naloxone = Observations(Obs.NaloxoneSupply).FirstOrDefault() is { } n
                ? new Naloxone(
                    (n.Value as FhirBoolean)?.Value ?? throw new UnmapException("Observation(naloxone-supply).value", "missing"),
                    (ComponentValue(n, Obs.NaloxoneIssuedOn) as FhirDateTime)?.Value,
                    CodeOf(ComponentValue(n, Obs.NaloxoneProduct), Cs.NaloxoneProduct),
                    ComponentFlag(n, Obs.NaloxoneTraining))
                : null;

            return new Prescribing(
                (Observations(Obs.OnOst).FirstOrDefault()?.Value as FhirBoolean)?.Value,
                prescriptions.Count > 0 ? prescriptions : null,
                lastDose,
                bridging,
                naloxone);
        }

        private Prescription Prescription(MedicationRequest request)
        {
            var dosage = request.DosageInstruction.FirstOrDefault() ?? throw new UnmapException("MedicationRequest.dosageInstruction", "missing");
            var bounds = dosage.Timing?.Repeat?.Bounds as Period;
            var medication = request.Medication as CodeableConcept;

            // A summary (labelled redacted) may lack what a full prescription must have.
            var redacted = request.Meta?.Security.Any(c => c.System == External.SecurityObservationValue && c.Code == "REDACTED") == true;
            T? Required<T>(T? value, string path) where T : class => value ?? (redacted ? null : throw new UnmapException(path, "missing"));
            return new Prescription(
                MedicationOf(medication, "MedicationRequest.medication"),
                medication?.Coding.Count > 0 ? medication.Text : null,
                DoseOf(dosage.DoseAndRate.FirstOrDefault()?.Dose as Quantity, "MedicationRequest.dosageInstruction.doseAndRate.dose"),
                Required(CodeOf(dosage.Timing?.Code, Cs.DoseFrequency), "MedicationRequest.dosageInstruction.timing.code"),
                (request.GetExtension(StructureDefinition(Ext.SupervisedConsumption))?.Value as FhirBoolean)?.Value,
                Required(bounds?.Start, "MedicationRequest.dosageInstruction.timing.repeat.boundsPeriod.start"),
                bounds?.End,
                CodeOf(request.GetExtension(StructureDefinition(Ext.PrescriptionStatus))?.Value, Cs.PrescriptionStatus),
                request.Requester is { } requester ? Person(requester) : Required<Practitioner>(null, "MedicationRequest.requester"));
        }
    }
}

/// <summary>A document that cannot be turned back into a submission, with the FHIR path of the problem.</summary>
public sealed class UnmapException(string path, string reason) : Exception($"{path}: {reason}")
{
    /// <summary>Where in the document the problem is.</summary>
    public string Path { get; } = path;
}
