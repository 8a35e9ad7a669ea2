namespace ExchangeGateway.Domain;

// The submission contract (shared/spec/submission.schema.json) as records. Property order follows the schema so a
// serialised record reads like the input. Coded values stay as the contract's strings: the intake has already
// checked them against the schema's enumerations, and keeping the sender's text is what makes unmap lossless.

/// <summary>
/// One event as a sending system submits it: a prison's event with its DIR and prescribing record, or a community
/// agency's reply (<see cref="EventTypes.IsReply"/>), which has no DIR and names the person in <see cref="Client"/>.
/// </summary>
public sealed record Submission(
    string SubmissionId,
    SubmissionEvent Event,
    Dir? Dir,
    Prescribing? Prescribing = null,
    Client? Client = null,
    CommunityDispensing? Community = null,
    EngagementReport? Engagement = null)
{
    /// <summary>The person the submission is about: the DIR's client, or the one a reply names.</summary>
    /// <remarks>A method, not a property, so the contract's JSON form (serialised from the record) does not gain a field.</remarks>
    public Client? Person() => Dir?.Client ?? Client;
}

/// <summary>What happened, when, and which agency says so; a reply names the message it answers.</summary>
public sealed record SubmissionEvent(
    string Type,
    string OccurredAt,
    string From,
    string? To = null,
    bool? PlannedRelease = null,
    string? InReplyTo = null,
    string? PlannedMoveAt = null);

/// <summary>The Drug Interventions Record.</summary>
public sealed record Dir(
    string DirId,
    Assessment Assessment,
    Client Client,
    Custody? Custody,
    IReadOnlyList<SubstanceUse> Substances,
    Injecting? Injecting,
    IReadOnlyList<TreatmentEpisode>? TreatmentInPrison,
    Risks? Risks,
    Offence? Offence,
    ReleasePlan? ReleasePlan,
    string? KeyworkerNotes,
    Consent Consent);

/// <summary>The assessment the DIR records.</summary>
public sealed record Assessment(string Date, string Type, Practitioner Assessor, string? Agency = null);

/// <summary>The person the record is about; <see cref="NhsNumberStatus"/> is the NHS number's UK Core verification status, when the sender gives it.</summary>
public sealed record Client(
    string Surname,
    string Forenames,
    string DateOfBirth,
    string Sex,
    string? Ethnicity = null,
    string? NhsNumber = null,
    string? PrisonNumber = null,
    string? PncId = null,
    Address? Address = null,
    string? GpPractice = null,
    bool? NeedsInterpreter = null,
    string? Language = null,
    string? NhsNumberStatus = null)
{
    /// <summary>The status the contract reads into an absent <see cref="NhsNumberStatus"/>: number present but not traced.</summary>
    public const string DefaultNhsNumberStatus = "02";
}

/// <summary>Where and how the person is held.</summary>
public sealed record Custody(string? Establishment = null, string? ReceptionDate = null, string? Status = null, string? ExpectedReleaseDate = null);

/// <summary>One problem substance, ranked (1 = main).</summary>
public sealed record SubstanceUse(int Rank, string Substance, string? Route = null, string? Frequency = null, int? AgeFirstUsed = null);

/// <summary>Injecting status.</summary>
public sealed record Injecting(string? Status = null, bool? SharedEquipment = null);

/// <summary>A treatment given in prison.</summary>
public sealed record TreatmentEpisode(string Modality, string Start, string? End = null, string? Outcome = null);

/// <summary>Risks and alerts.</summary>
public sealed record Risks(string? OverdoseRisk = null, bool? ReducedTolerance = null, bool? SelfHarm = null, bool? MentalHealthNeed = null, BloodBorneVirusStatus? Bbv = null);

/// <summary>Blood-borne virus status.</summary>
public sealed record BloodBorneVirusStatus(string? HepatitisC = null, string? HepatitisB = null, string? Hiv = null, string? TestedOn = null);

/// <summary>Offence details.</summary>
public sealed record Offence(string? Category = null, bool? TriggerOffence = null);

/// <summary>The plan for release.</summary>
public sealed record ReleasePlan(
    string? ReleaseDate = null,
    Address? ReleaseAddress = null,
    string? Accommodation = null,
    string? CjitArea = null,
    string? CommunityProvider = null,
    string? FirstAppointment = null,
    bool? ReferredToCommunityTreatment = null);

/// <summary>The person's consent to share, per recipient type.</summary>
public sealed record Consent(string RecordedAt, IReadOnlyList<string> ShareWith, string? WithdrawnAt = null, ConsentOverride? Override = null);

/// <summary>A legal basis other than consent, with who authorised it and why.</summary>
public sealed record ConsentOverride(string LegalBasis, Practitioner AuthorisedBy, string Justification);

/// <summary>The prescribing record.</summary>
public sealed record Prescribing(
    bool? OnOst = null,
    IReadOnlyList<Prescription>? Prescriptions = null,
    LastDose? LastDose = null,
    BridgingPrescription? BridgingPrescription = null,
    Naloxone? Naloxone = null);

/// <summary>
/// A current or recent prescription. The intake requires frequency, start and prescriber; only a minimised copy
/// (<see cref="RecordMinimiser"/>, the CJIT summary) leaves them out.
/// </summary>
public sealed record Prescription(
    string Medication,
    string? MedicationText,
    Dose Dose,
    string? Frequency,
    bool? Supervised,
    string? Start,
    string? End,
    string? Status,
    Practitioner? Prescriber);

/// <summary>The last dose given, with its exact time (in the CJIT summary, its date only).</summary>
public sealed record LastDose(string Medication, Dose Dose, string AdministeredAt, bool? Witnessed = null);

/// <summary>A bridging prescription to cover the days after release.</summary>
public sealed record BridgingPrescription(string Medication, Dose Dose, int Days, string? Pharmacy = null);

/// <summary>Naloxone supply on release.</summary>
public sealed record Naloxone(bool Issued, string? IssuedOn = null, string? Product = null, bool? TrainingGiven = null);

/// <summary>A named practitioner.</summary>
public sealed record Practitioner(string Name, string? Role = null, string? ProfessionalId = null);

/// <summary>A postal address.</summary>
public sealed record Address(IReadOnlyList<string>? Lines = null, string? Town = null, string? Postcode = null);

/// <summary>An amount with its unit: mg, ml or microgram.</summary>
public sealed record Dose(decimal Value, string Unit);

/// <summary>How the community dispensed the person's prescription, as a reception-reply reports it.</summary>
public sealed record CommunityDispensing(
    string LastDispensedOn,
    bool Supervised,
    string? DispensingSuspendedFrom = null,
    string? Pharmacy = null,
    Practitioner? Prescriber = null);

/// <summary>A community service's report on a released person's engagement with treatment.</summary>
public sealed record EngagementReport(string Outcome, string Date, string? NextAppointment = null, string? Note = null);
