namespace ExchangeGateway.Fhir;

/// <summary>Every canonical URL and identifier system the mapping uses; profiles/ defines each of them.</summary>
public static class FhirNames
{
    public const string Base = "https://exchange-gateway.example/fhir";

    /// <summary>Canonical URL of one of the project's CodeSystems.</summary>
    public static string CodeSystem(string name) => $"{Base}/CodeSystem/{name}";

    /// <summary>Canonical URL of one of the project's ValueSets (all codes of the CodeSystem of the same name).</summary>
    public static string ValueSet(string name) => $"{Base}/ValueSet/{name}";

    /// <summary>Canonical URL of one of the project's StructureDefinitions (profiles and extensions).</summary>
    public static string StructureDefinition(string name) => $"{Base}/StructureDefinition/{name}";

    /// <summary>Identifier systems.</summary>
    public static class Systems
    {
        public const string NhsNumber = "https://fhir.nhs.uk/Id/nhs-number";
        public const string OdsOrganisation = "https://fhir.nhs.uk/Id/ods-organization-code";
        public const string Submission = "https://exchange-gateway.example/Id/submission";
        public const string Dir = "https://exchange-gateway.example/Id/dir";
        public const string PrisonNumber = "https://exchange-gateway.example/Id/prison-number";
        public const string PncId = "https://exchange-gateway.example/Id/pnc-id";
        public const string PrisonCode = "https://exchange-gateway.example/Id/prison-code";
        public const string CjitArea = "https://exchange-gateway.example/Id/cjit-area";
        public const string ProviderCode = "https://exchange-gateway.example/Id/provider-code";
        public const string Agency = "https://exchange-gateway.example/Id/agency";
        public const string ProfessionalId = "https://exchange-gateway.example/Id/professional-id";
        public const string Message = "https://exchange-gateway.example/Id/message";
    }

    /// <summary>Code systems from outside the project.</summary>
    public static class External
    {
        public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
        public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
        public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
        public const string ProvenanceParticipantType = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
        public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
        public const string Ucum = "http://unitsofmeasure.org";
        public const string InterpreterRequired = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired";
        public const string FlagCategory = "http://terminology.hl7.org/CodeSystem/flag-category";
        public const string SecurityObservationValue = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
        public const string Confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
    }

    /// <summary>UK Core definitions the documents use; profiles/ holds them under their UK Core canonical URLs.</summary>
    public static class UkCore
    {
        public const string NhsNumberVerificationStatus = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
        public const string NhsNumberVerificationStatusEngland = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
    }

    /// <summary>The project's CodeSystem names. Those marked "schema" hold exactly the contract's enumeration.</summary>
    public static class Cs
    {
        public const string DocumentType = "document-type";           // transfer-record, release-summary, release-notice, reception-record, reception-reply, engagement-report, overdue-release-alert, escalation-alert, message-response, unplanned-release-alert
        public const string DocumentSection = "document-section";     // custody-release, substance-use, treatment-in-prison, medications, risks-alerts, consent, keyworker-notes, offence, community-dispensing, engagement, reception-request, response
        public const string AgencyType = "agency-type";               // prison, cjit, community-treatment, gp, pharmacy, agency
        public const string AssessmentType = "assessment-type";       // schema: dir.assessment.type
        public const string EthnicCategory = "ethnic-category";       // ONS 2011 letters A..S and Z
        public const string CustodyStatus = "custody-status";         // schema
        public const string EpisodeType = "episode-type";             // custody
        public const string Substance = "substance";                  // schema
        public const string Route = "route";                          // schema
        public const string UseFrequency = "use-frequency";           // schema: substances[].frequency
        public const string InjectingStatus = "injecting-status";     // schema
        public const string TreatmentModality = "treatment-modality"; // schema
        public const string TreatmentOutcome = "treatment-outcome";   // schema
        public const string OverdoseRisk = "overdose-risk";           // schema
        public const string BbvResult = "bbv-result";                 // union of hepatitisC/hepatitisB/hiv enums
        public const string Accommodation = "accommodation";          // schema
        public const string Medication = "medication";                // schema: prescriptions[].medication
        public const string DoseFrequency = "dose-frequency";         // schema: prescriptions[].frequency
        public const string PrescriptionStatus = "prescription-status"; // schema
        public const string PrescriptionCategory = "prescription-category"; // prescription, bridging
        public const string NaloxoneProduct = "naloxone-product";     // schema
        public const string RecipientType = "recipient-type";         // schema: consent.shareWith items
        public const string LegalBasis = "legal-basis";               // schema
        public const string ObservationCode = "observation-code";     // see ObservationCodes
        public const string ConditionCode = "condition-code";         // problem-substance-use
        public const string ServiceRequestCode = "service-request-code"; // community-treatment-referral, reception-reply-request
        public const string SafetyFlag = "safety-flag";               // SafetyFlags.Codes (domain), ReleaseTimeline.OverdueAlertFlag, UnplannedReleaseAlert.FlagCode, EscalationKinds.All
        public const string EngagementOutcome = "engagement-outcome"; // schema: engagement.outcome
        public const string AuditEventType = "audit-event-type";     // ExchangeGateway.Audit: AuditEventTypes.All
        public const string ResponseOutcome = "response-outcome";     // ResponseOutcomes (domain): Task.businessStatus
        public const string ResponseOutput = "response-output";       // cannot-continue: Task.output.type
    }

    /// <summary>Codes of the observation-code CodeSystem: Observation.code and Observation.component.code.</summary>
    public static class Obs
    {
        public const string ProblemSubstance = "problem-substance";
        public const string Rank = "substance-rank";
        public const string Route = "route";
        public const string Frequency = "use-frequency";
        public const string AgeFirstUsed = "age-first-used";
        public const string Injecting = "injecting-status";
        public const string SharedEquipment = "shared-equipment";
        public const string RiskAssessment = "risk-assessment";
        public const string OverdoseRisk = "overdose-risk";
        public const string ReducedTolerance = "reduced-tolerance";
        public const string SelfHarm = "self-harm";
        public const string MentalHealthNeed = "mental-health-need";
        public const string BbvStatus = "bbv-status";
        public const string HepatitisC = "hepatitis-c";
        public const string HepatitisB = "hepatitis-b";
        public const string Hiv = "hiv";
        public const string Offence = "offence";
        public const string OffenceCategory = "offence-category";
        public const string TriggerOffence = "trigger-offence";
        public const string Accommodation = "accommodation-on-release";
        public const string KeyworkerNote = "keyworker-note";
        public const string OnOst = "on-ost";
        public const string NaloxoneSupply = "naloxone-supply";
        public const string NaloxoneIssuedOn = "naloxone-issued-on";
        public const string NaloxoneProduct = "naloxone-product";
        public const string NaloxoneTraining = "naloxone-training-given";
        public const string CommunityDispensing = "community-dispensing";
        public const string LastDispensedOn = "last-dispensed-on";
        public const string DispensingSupervised = "dispensing-supervised";
        public const string DispensingSuspendedFrom = "dispensing-suspended-from";
        public const string EngagementOutcome = "engagement-outcome";
        public const string NextAppointment = "next-appointment";
    }

    /// <summary>The project's extensions (StructureDefinition names).</summary>
    public static class Ext
    {
        public const string EthnicCategory = "ethnic-category";             // Patient: valueCodeableConcept
        public const string PractitionerRole = "practitioner-role";         // Practitioner: valueString
        public const string PlannedRelease = "planned-release";             // Composition: valueBoolean
        public const string EventDestination = "event-destination";        // Composition: valueReference(Organization)
        public const string PlannedMoveAt = "planned-move-at";              // Composition: valueDateTime
        public const string InReplyTo = "in-reply-to";                      // Composition: valueIdentifier (Systems.Message)
        public const string CustodyStatus = "custody-status";               // EpisodeOfCare: valueCodeableConcept
        public const string ExpectedReleaseDate = "expected-release-date";  // EpisodeOfCare: valueDate
        public const string TreatmentOutcome = "treatment-outcome";         // EpisodeOfCare: valueCodeableConcept
        public const string PrescriptionStatus = "prescription-status";     // MedicationRequest: valueCodeableConcept
        public const string SupervisedConsumption = "supervised-consumption"; // MedicationRequest: valueBoolean
        public const string DoseWitnessed = "dose-witnessed";               // MedicationAdministration: valueBoolean
        public const string ConsentOverride = "consent-override";           // Consent: complex (legalBasis, authorisedBy, justification)
        public const string NhsNumberStatusDefaulted = "nhs-number-status-defaulted"; // Patient.identifier (NHS number): valueBoolean true
    }
}
