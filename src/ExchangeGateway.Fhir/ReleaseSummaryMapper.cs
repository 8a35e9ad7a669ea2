using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static ExchangeGateway.Fhir.FhirNames;
using Address = ExchangeGateway.Domain.Address;
using Consent = ExchangeGateway.Domain.Consent;
using FhirAddress = Hl7.Fhir.Model.Address;
using FhirConsent = Hl7.Fhir.Model.Consent;
using FhirPractitioner = Hl7.Fhir.Model.Practitioner;
using Practitioner = ExchangeGateway.Domain.Practitioner;

namespace ExchangeGateway.Fhir;

/// <summary>Maps a checked submission to one FHIR R4 document Bundle (see profiles/MAPPING.md).</summary>
public sealed partial class ReleaseSummaryMapper(ProfileSet profiles, NationalCodes nationalCodes)
{
    /// <summary>A mapper adding the national codings of the package's own ConceptMaps.</summary>
    public ReleaseSummaryMapper(ProfileSet profiles)
        : this(profiles, NationalCodes.From(profiles))
    {
    }

    /// <summary>The document as pretty JSON; the same submission (and firstNotifiedAt) always gives the same bytes.</summary>
    public string MapToJson(Submission submission, string? firstNotifiedAt = null) => FhirJsonSerializer.Default.SerializeToString(Map(submission, firstNotifiedAt), true);

    /// <summary>
    /// One recipient's document as pretty JSON: <paramref name="document"/> is the record cut down for the recipient,
    /// and <paramref name="flags"/> were raised from the whole record (a summary lacks what some flags are about).
    /// </summary>
    public string MapToJson(Submission document, IReadOnlyList<SafetyFlag> flags) => FhirJsonSerializer.Default.SerializeToString(Map(document, flags), true);

    /// <summary>One recipient's document (as <see cref="MapToJson(Submission, IReadOnlyList{SafetyFlag})"/>) as compact UTF-8 JSON, the form the gateway seals.</summary>
    public byte[] MapToUtf8(Submission document, IReadOnlyList<SafetyFlag> flags) => DocumentJson.Utf8(Map(document, flags));

    /// <summary>The document as a Bundle; firstNotifiedAt is when the gateway first heard of a planned release (see SafetyFlags.Raise).</summary>
    public Bundle Map(Submission submission, string? firstNotifiedAt = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return new Build(profiles, nationalCodes, submission, SafetyFlags.Raise(submission, firstNotifiedAt)).Bundle();
    }

    /// <summary>One recipient's document as a Bundle, with flags raised from the whole record.</summary>
    public Bundle Map(Submission document, IReadOnlyList<SafetyFlag> flags) => new Build(profiles, nationalCodes, document, flags).Bundle();

    private sealed partial class Build(ProfileSet profiles, NationalCodes nationalCodes, Submission s, IReadOnlyList<SafetyFlag> flags)
    {
        private readonly List<(string FullUrl, Resource Resource)> entries = [];
        private readonly Dictionary<string, ResourceReference> shared = [];
        private readonly DocumentNarrative narrative = new(profiles, s, flags, profiles.Display(Cs.DocumentType, DocumentType(s.Event.Type)));

        // Only a prison's event has a DIR; a reply's document is built without reaching for it (ReleaseSummaryMapper.Replies.cs).
        private Dir Dir => s.Dir ?? throw new InvalidOperationException("a reply carries no DIR");

        public Bundle Bundle()
        {
            var composition = new Composition
            {
                Status = CompositionStatus.Final,
                Type = Coded(Cs.DocumentType, DocumentType(s.Event.Type)),
                Date = s.Event.OccurredAt,
                Title = profiles.Display(Cs.DocumentType, DocumentType(s.Event.Type)),
                Text = narrative.Composition(),
                Confidentiality = DocumentConfidentiality,
            };
            var compositionUrl = Url("Composition");
            entries.Add((compositionUrl, composition));

            composition.Subject = PatientReference();
            var author = EventTypes.IsReply(s.Event.Type) ? AddReplyParts(composition) : AddRecordParts(composition);

            var provenance = new Provenance
            {
                Target = [new ResourceReference(compositionUrl)],
                RecordedElement = ExactInstant(s.Event.OccurredAt),
                Agent =
                [
                    new Provenance.AgentComponent
                    {
                        Type = new CodeableConcept(External.ProvenanceParticipantType, "author", "Author"),
                        Who = author,
                    },
                ],
            };
            entries.Add((Url("Provenance"), provenance));

            return new Bundle
            {
                Identifier = new Identifier(Systems.Submission, s.SubmissionId),
                Type = Hl7.Fhir.Model.Bundle.BundleType.Document,
                TimestampElement = ExactInstant(s.Event.OccurredAt),
                Meta = DocumentSecurityLabels(),
                Entry = entries.Select(e => new Bundle.EntryComponent { FullUrl = e.FullUrl, Resource = e.Resource }).ToList(),
            };
        }

        // The parts of a prison's event: its DIR (identifier, assessment, sections) and the event's own details. Returns the author.
        private ResourceReference AddRecordParts(Composition composition)
        {
            composition.Identifier = new Identifier(Systems.Dir, Dir.DirId);
            composition.Author = [Agency(AgencyTypes.Prison, s.Event.From)];
            composition.Encounter = AssessmentEncounter();
            if (s.Event.To is { } to)
            {
                composition.Extension.Add(new Extension(StructureDefinition(Ext.EventDestination), Agency(AgencyTypes.Prison, to)));
            }

            if (s.Event.PlannedRelease is { } planned)
            {
                composition.Extension.Add(new Extension(StructureDefinition(Ext.PlannedRelease), new FhirBoolean(planned)));
            }

            if (s.Event.PlannedMoveAt is { } moveAt)
            {
                composition.Extension.Add(new Extension(StructureDefinition(Ext.PlannedMoveAt), new FhirDateTime(moveAt)));
            }

            AddSection(composition, ReceptionRequestSection, ReceptionRequest());
            AddSection(composition, "custody-release", CustodyAndRelease());
            AddSection(composition, "substance-use", SubstanceUse());
            AddSection(composition, "treatment-in-prison", TreatmentInPrison());
            AddSection(composition, "medications", Medications(), keepEmpty: s.Prescribing is not null);
            AddSection(composition, "risks-alerts", [.. RisksAndAlerts(), .. SafetyFlagEntries()]);
            AddSection(composition, "consent", [ConsentResource()]);
            AddSection(composition, "keyworker-notes", Dir.KeyworkerNotes is { } notes ? [KeyworkerNote(notes)] : []);
            AddSection(composition, "offence", Dir.Offence is { } offence ? [OffenceObservation(offence)] : []);
            return Agency(AgencyTypes.Prison, s.Event.From);
        }

        // "yyyy-mm-dd": a date-time cut to its date.
        private const int DateLength = 10;

        // The sender's text as it was (offset, "Z", fraction digits): a DateTimeOffset would normalise it.
        private static Instant ExactInstant(string dateTime) => new() { JsonValue = dateTime };

        private static string DocumentType(string eventType) => eventType switch
        {
            EventTypes.Transfer => "transfer-record",
            EventTypes.Release => "release-summary",
            EventTypes.ReleaseNotice => "release-notice",
            EventTypes.Reception => "reception-record",
            EventTypes.ReceptionReply => "reception-reply",
            EventTypes.Engagement => "engagement-report",
            _ => throw new ArgumentOutOfRangeException(nameof(eventType), eventType, "not an event type of the contract"),
        };

        private string Url(string role) => DeterministicId.Urn(s.SubmissionId, role);

        private ResourceReference Add(string role, Resource resource)
        {
            var url = Url(role);
            entries.Add((url, resource));
            return new ResourceReference(url);
        }

        private ResourceReference AddOnce(string role, Func<Resource> create)
        {
            if (!shared.TryGetValue(role, out var reference))
            {
                reference = Add(role, create());
                shared[role] = reference;
            }

            return new ResourceReference(reference.Reference);
        }

        private void AddSection(Composition composition, string code, IReadOnlyList<ResourceReference> sectionEntries, bool keepEmpty = false)
        {
            if (sectionEntries.Count == 0 && !keepEmpty)
            {
                return;
            }

            var section = new Composition.SectionComponent
            {
                Title = profiles.Display(Cs.DocumentSection, code),
                Code = Coded(Cs.DocumentSection, code),
                Text = narrative.Section(code),
                Entry = sectionEntries.ToList(),
            };
            if (sectionEntries.Count == 0)
            {
                section.EmptyReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "Nil Known");
            }

            composition.Section.Add(section);
        }

        // The local coding first (the unmapper and receivers read it), then any national codings the maps give.
        private CodeableConcept Coded(string codeSystem, string code) =>
            new() { Coding = [new Coding(CodeSystem(codeSystem), code, profiles.Display(codeSystem, code)), .. nationalCodes.Translate(CodeSystem(codeSystem), code)] };

        private CodeableConcept Medication(string medication, string? text = null)
        {
            // A medication the contract does not code (lastDose, bridging are free text) is kept as text only.
            var concept = profiles.HasCode(Cs.Medication, medication) ? Coded(Cs.Medication, medication) : new CodeableConcept();
            concept.Text = concept.Coding.Count == 0 ? medication : text;
            return concept;
        }

        private static Quantity Amount(Dose dose) => new()
        {
            Value = dose.Value,
            Unit = dose.Unit,
            System = External.Ucum,
            Code = DoseUnits.ToUcum(dose.Unit),
        };

        private Observation Observation(string code, string category) => new()
        {
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(External.ObservationCategory, category, CategoryDisplay(category))],
            Code = Coded(Cs.ObservationCode, code),
            Subject = PatientReference(),
        };

        private Observation.ComponentComponent Component(string code, DataType value) => new() { Code = Coded(Cs.ObservationCode, code), Value = value };

        private void AddComponent(Observation observation, string code, string? codeSystem, string? value)
        {
            if (value is not null)
            {
                observation.Component.Add(Component(code, codeSystem is null ? new FhirString(value) : Coded(codeSystem, value)));
            }
        }

        private void AddComponent(Observation observation, string code, bool? value)
        {
            if (value is { } flag)
            {
                observation.Component.Add(Component(code, new FhirBoolean(flag)));
            }
        }

        private ResourceReference PatientReference() => AddOnce("Patient", CreatePatient);

        private Patient CreatePatient()
        {
            var client = s.Person() ?? throw new InvalidOperationException("the submission names no person");
            var patient = new Patient
            {
                BirthDate = client.DateOfBirth,
                Gender = client.Sex switch
                {
                    "male" => AdministrativeGender.Male,
                    "female" => AdministrativeGender.Female,
                    "other" => AdministrativeGender.Other,
                    _ => AdministrativeGender.Unknown,
                },
            };
            if (client.NhsNumber is { } nhs)
            {
                patient.Identifier.Add(NhsNumberVerification.Identifier(profiles, nhs, client.NhsNumberStatus));
            }

            if (client.PrisonNumber is { } prisonNumber)
            {
                patient.Identifier.Add(new Identifier(Systems.PrisonNumber, prisonNumber));
            }

            if (client.PncId is { } pnc)
            {
                patient.Identifier.Add(new Identifier(Systems.PncId, pnc));
            }

            patient.Name.Add(new HumanName { Family = client.Surname, Given = PersonName.SplitForenames(client.Forenames) });

            if (client.Ethnicity is { } ethnicity)
            {
                patient.Extension.Add(new Extension(StructureDefinition(Ext.EthnicCategory), Coded(Cs.EthnicCategory, ethnicity)));
            }

            if (client.NeedsInterpreter is { } interpreter)
            {
                patient.Extension.Add(new Extension(External.InterpreterRequired, new FhirBoolean(interpreter)));
            }

            if (client.Address is { } home)
            {
                patient.Address.Add(PostalAddress(home, FhirAddress.AddressUse.Home));
            }

            if (s.Dir?.ReleasePlan?.ReleaseAddress is { } releaseAddress)
            {
                patient.Address.Add(PostalAddress(releaseAddress, FhirAddress.AddressUse.Temp));
            }

            if (client.GpPractice is { } gp)
            {
                patient.GeneralPractitioner.Add(Agency(AgencyTypes.Gp, gp));
            }

            if (client.Language is { } language)
            {
                patient.Communication.Add(new Patient.CommunicationComponent { Language = new CodeableConcept { Text = language } });
            }

            return patient;
        }

        private static FhirAddress PostalAddress(Address address, FhirAddress.AddressUse use) => new()
        {
            Use = use,
            Line = address.Lines?.ToList() ?? [],
            City = address.Town,
            PostalCode = address.Postcode,
        };

        /// <summary>An Organization for an agency id in one role; the role decides its type and identifier system.</summary>
        private ResourceReference Agency(string type, string id) => AddOnce($"Organization/{type}/{id}", () => new Organization
        {
            Identifier = [new Identifier(AgencyIdentifiers.SystemFor(type), id)],
            Type = [Coded(Cs.AgencyType, type)],
        });

        private ResourceReference Person(Practitioner practitioner) =>
            AddOnce($"Practitioner/{practitioner.Name}|{practitioner.Role}|{practitioner.ProfessionalId}", () =>
            {
                var resource = new FhirPractitioner { Name = [new HumanName { Text = practitioner.Name }] };
                if (practitioner.ProfessionalId is { } professionalId)
                {
                    resource.Identifier.Add(new Identifier(Systems.ProfessionalId, professionalId));
                }

                if (practitioner.Role is { } role)
                {
                    resource.Extension.Add(new Extension(StructureDefinition(Ext.PractitionerRole), new FhirString(role)));
                }

                return resource;
            });

        private ResourceReference AssessmentEncounter()
        {
            var assessment = Dir.Assessment;
            var encounter = new Encounter
            {
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding(External.ActCode, "AMB", "ambulatory"),
                Type = [Coded(Cs.AssessmentType, assessment.Type)],
                Subject = PatientReference(),
                Participant = [new Encounter.ParticipantComponent { Individual = Person(assessment.Assessor) }],
                Period = new Period { Start = assessment.Date },
            };
            if (assessment.Agency is { } agency)
            {
                encounter.ServiceProvider = Agency("agency", agency);
            }

            return Add("Encounter/assessment", encounter);
        }

        private List<ResourceReference> CustodyAndRelease()
        {
            var result = new List<ResourceReference>();
            var custody = Dir.Custody;
            var plan = Dir.ReleasePlan;
            if (custody is not null || plan?.ReleaseDate is not null)
            {
                var episode = new EpisodeOfCare
                {
                    Status = plan?.ReleaseDate is not null && s.Event.Type == EventTypes.Release ? EpisodeOfCare.EpisodeOfCareStatus.Finished : EpisodeOfCare.EpisodeOfCareStatus.Active,
                    Type = [Coded(Cs.EpisodeType, "custody")],
                    Patient = PatientReference(),
                };
                if (custody?.ReceptionDate is not null || plan?.ReleaseDate is not null)
                {
                    episode.Period = new Period { Start = custody?.ReceptionDate, End = plan?.ReleaseDate };
                }

                if (custody?.Establishment is { } establishment)
                {
                    episode.ManagingOrganization = Agency(AgencyTypes.Prison, establishment);
                }

                if (custody?.Status is { } status)
                {
                    episode.Extension.Add(new Extension(StructureDefinition(Ext.CustodyStatus), Coded(Cs.CustodyStatus, status)));
                }

                if (custody?.ExpectedReleaseDate is { } expected)
                {
                    episode.Extension.Add(new Extension(StructureDefinition(Ext.ExpectedReleaseDate), new Date(expected)));
                }

                result.Add(Add("EpisodeOfCare/custody", episode));
            }

            if (plan is null)
            {
                return result;
            }

            if (plan.Accommodation is { } accommodation)
            {
                var observation = Observation(Obs.Accommodation, "social-history");
                observation.Value = Coded(Cs.Accommodation, accommodation);
                result.Add(Add("Observation/accommodation", observation));
            }

            // The referral stands for the release plan itself, so it exists whenever a plan does.
            var referral = new ServiceRequest
            {
                Status = plan.ReferredToCommunityTreatment switch
                {
                    true => RequestStatus.Active,
                    false => RequestStatus.Draft,
                    null => RequestStatus.Unknown,
                },
                Intent = RequestIntent.Plan,
                Code = Coded(Cs.ServiceRequestCode, "community-treatment-referral"),
                Subject = PatientReference(),
            };
            if (plan.CjitArea is { } cjit)
            {
                referral.Performer.Add(Agency(AgencyTypes.Cjit, cjit));
            }

            if (plan.CommunityProvider is { } provider)
            {
                referral.Performer.Add(Agency(AgencyTypes.CommunityTreatment, provider));
            }

            var referralReference = Add("ServiceRequest/referral", referral);
            result.Add(referralReference);

            if (plan.FirstAppointment is { } first)
            {
                var appointment = new Appointment
                {
                    Status = Appointment.AppointmentStatus.Booked,
                    StartElement = ExactInstant(first),
                    EndElement = ExactInstant(first),
                    Comment = "First community appointment after release; the sender gives its start time only.",
                    BasedOn = [new ResourceReference(referralReference.Reference)],
                    Participant = [new Appointment.ParticipantComponent { Actor = PatientReference(), Status = ParticipationStatus.Accepted }],
                };
                result.Add(Add("Appointment/first", appointment));
            }

            return result;
        }

        private List<ResourceReference> SubstanceUse()
        {
            var result = new List<ResourceReference>();
            for (var i = 0; i < Dir.Substances.Count; i++)
            {
                var use = Dir.Substances[i];
                var observation = Observation(Obs.ProblemSubstance, "social-history");
                observation.Effective = new FhirDateTime(Dir.Assessment.Date);
                observation.Value = Coded(Cs.Substance, use.Substance);
                observation.Component.Add(Component(Obs.Rank, new Integer(use.Rank)));
                AddComponent(observation, Obs.Route, Cs.Route, use.Route);
                AddComponent(observation, Obs.Frequency, Cs.UseFrequency, use.Frequency);
                if (use.AgeFirstUsed is { } age)
                {
                    observation.Component.Add(Component(Obs.AgeFirstUsed, new Integer(age)));
                }

                result.Add(Add($"Observation/substance/{i}", observation));
            }

            if (Dir.Injecting is { } injecting)
            {
                var observation = Observation(Obs.Injecting, "social-history");
                if (injecting.Status is { } status)
                {
                    observation.Value = Coded(Cs.InjectingStatus, status);
                }

                AddComponent(observation, Obs.SharedEquipment, injecting.SharedEquipment);
                result.Add(Add("Observation/injecting", observation));
            }

            if (Dir.Substances.Count > 0)
            {
                var condition = new Condition
                {
                    ClinicalStatus = new CodeableConcept(External.ConditionClinical, "active", "Active"),
                    Code = Coded(Cs.ConditionCode, "problem-substance-use"),
                    Subject = PatientReference(),
                    Evidence = [new Condition.EvidenceComponent { Detail = result.Take(Dir.Substances.Count).Select(r => new ResourceReference(r.Reference)).ToList() }],
                };
                result.Add(Add("Condition/problem-substance-use", condition));
            }

            return result;
        }

        private List<ResourceReference> TreatmentInPrison()
        {
            var result = new List<ResourceReference>();
            var treatments = Dir.TreatmentInPrison ?? [];
            for (var i = 0; i < treatments.Count; i++)
            {
                var treatment = treatments[i];
                var episode = new EpisodeOfCare
                {
                    Status = treatment.End is null ? EpisodeOfCare.EpisodeOfCareStatus.Active : EpisodeOfCare.EpisodeOfCareStatus.Finished,
                    Type = [Coded(Cs.TreatmentModality, treatment.Modality)],
                    Patient = PatientReference(),
                    Period = new Period { Start = treatment.Start, End = treatment.End },
                };
                if (treatment.Outcome is { } outcome)
                {
                    episode.Extension.Add(new Extension(StructureDefinition(Ext.TreatmentOutcome), Coded(Cs.TreatmentOutcome, outcome)));
                }

                result.Add(Add($"EpisodeOfCare/treatment/{i}", episode));
            }

            return result;
        }

        private List<ResourceReference> Medications()
        {
            var result = new List<ResourceReference>();
            if (s.Prescribing is not { } prescribing)
            {
                return result;
            }

            if (prescribing.OnOst is { } onOst)
            {
                var observation = Observation(Obs.OnOst, "therapy");
                observation.Value = new FhirBoolean(onOst);
                result.Add(Add("Observation/on-ost", observation));
            }

            var prescriptions = prescribing.Prescriptions ?? [];
            for (var i = 0; i < prescriptions.Count; i++)
            {
                result.Add(Add($"MedicationRequest/prescription/{i}", PrescriptionRequest(prescriptions[i])));
            }

            if (prescribing.BridgingPrescription is { } bridging)
            {
                result.Add(Add("MedicationRequest/bridging", BridgingRequest(bridging)));
            }

            if (prescribing.LastDose is { } lastDose)
            {
                var administration = new MedicationAdministration
                {
                    Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                    Medication = Medication(lastDose.Medication),
                    Subject = PatientReference(),
                    Effective = new FhirDateTime(lastDose.AdministeredAt),
                    Dosage = new MedicationAdministration.DosageComponent { Dose = Amount(lastDose.Dose) },
                };
                if (lastDose.AdministeredAt.Length == DateLength)
                {
                    // Only the CJIT summary carries a date without the time; the label tells eg-mad-1 (and the reader) why.
                    administration.Meta = SecurityLabel("ABSTRED", "abstracted");
                }

                if (lastDose.Witnessed is { } witnessed)
                {
                    administration.Extension.Add(new Extension(StructureDefinition(Ext.DoseWitnessed), new FhirBoolean(witnessed)));
                }

                result.Add(Add("MedicationAdministration/last-dose", administration));
            }

            if (prescribing.Naloxone is { } naloxone)
            {
                var observation = Observation(Obs.NaloxoneSupply, "therapy");
                observation.Value = new FhirBoolean(naloxone.Issued);
                if (naloxone.IssuedOn is { } issuedOn)
                {
                    observation.Component.Add(Component(Obs.NaloxoneIssuedOn, new FhirDateTime(issuedOn)));
                }

                AddComponent(observation, Obs.NaloxoneProduct, Cs.NaloxoneProduct, naloxone.Product);
                AddComponent(observation, Obs.NaloxoneTraining, naloxone.TrainingGiven);
                result.Add(Add("Observation/naloxone", observation));
            }

            return result;
        }

        private MedicationRequest PrescriptionRequest(Prescription prescription)
        {
            var request = new MedicationRequest
            {
                Status = prescription.Status switch
                {
                    "active" or "reducing" => MedicationRequest.MedicationrequestStatus.Active,
                    "stopped" => MedicationRequest.MedicationrequestStatus.Stopped,
                    _ => MedicationRequest.MedicationrequestStatus.Unknown,
                },
                Intent = MedicationRequest.MedicationRequestIntent.Order,
                Category = [Coded(Cs.PrescriptionCategory, "prescription")],
                Medication = Medication(prescription.Medication, prescription.MedicationText),
                Subject = PatientReference(),
                Requester = prescription.Prescriber is { } prescriber ? Person(prescriber) : null,
                DosageInstruction = [new Dosage { Timing = PrescriptionTiming(prescription), DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = Amount(prescription.Dose) }] }],
            };
            if (prescription.Prescriber is null || prescription.Frequency is null || prescription.Start is null)
            {
                // The intake requires all three, so only a minimised copy (the CJIT summary) lacks them; eg-mrq-3 needs the label.
                request.Meta = SecurityLabel("REDACTED", "redacted");
            }

            if (prescription.Status is { } status)
            {
                request.Extension.Add(new Extension(StructureDefinition(Ext.PrescriptionStatus), Coded(Cs.PrescriptionStatus, status)));
            }

            if (prescription.Supervised is { } supervised)
            {
                request.Extension.Add(new Extension(StructureDefinition(Ext.SupervisedConsumption), new FhirBoolean(supervised)));
            }

            return request;
        }

        private Timing? PrescriptionTiming(Prescription prescription)
        {
            if (prescription.Frequency is null && prescription.Start is null && prescription.End is null)
            {
                return null;
            }

            var timing = new Timing { Code = prescription.Frequency is { } frequency ? Coded(Cs.DoseFrequency, frequency) : null };
            if (prescription.Start is not null || prescription.End is not null)
            {
                timing.Repeat = new Timing.RepeatComponent { Bounds = new Period { Start = prescription.Start, End = prescription.End } };
            }

            return timing;
        }

        private MedicationRequest BridgingRequest(BridgingPrescription bridging)
        {
            var request = new MedicationRequest
            {
                Status = MedicationRequest.MedicationrequestStatus.Active,
                Intent = MedicationRequest.MedicationRequestIntent.Order,
                Category = [Coded(Cs.PrescriptionCategory, "bridging")],
                Medication = Medication(bridging.Medication),
                Subject = PatientReference(),
                DosageInstruction = [new Dosage { DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = Amount(bridging.Dose) }] }],
                DispenseRequest = new MedicationRequest.DispenseRequestComponent
                {
                    ExpectedSupplyDuration = new Duration { Value = bridging.Days, Unit = "days", System = External.Ucum, Code = "d" },
                },
            };
            if (bridging.Pharmacy is { } pharmacy)
            {
                request.DispenseRequest.Performer = Agency("pharmacy", pharmacy);
            }

            return request;
        }

        private List<ResourceReference> RisksAndAlerts()
        {
            var result = new List<ResourceReference>();
            if (Dir.Risks is not { } risks)
            {
                return result;
            }

            var assessment = Observation(Obs.RiskAssessment, "survey");
            assessment.Effective = new FhirDateTime(Dir.Assessment.Date);
            AddComponent(assessment, Obs.OverdoseRisk, Cs.OverdoseRisk, risks.OverdoseRisk);
            AddComponent(assessment, Obs.ReducedTolerance, risks.ReducedTolerance);
            AddComponent(assessment, Obs.SelfHarm, risks.SelfHarm);
            AddComponent(assessment, Obs.MentalHealthNeed, risks.MentalHealthNeed);
            result.Add(Add("Observation/risks", assessment));

            if (risks.Bbv is { } bbv)
            {
                var observation = Observation(Obs.BbvStatus, "laboratory");
                if (bbv.TestedOn is { } testedOn)
                {
                    observation.Effective = new FhirDateTime(testedOn);
                }

                AddComponent(observation, Obs.HepatitisC, Cs.BbvResult, bbv.HepatitisC);
                AddComponent(observation, Obs.HepatitisB, Cs.BbvResult, bbv.HepatitisB);
                AddComponent(observation, Obs.Hiv, Cs.BbvResult, bbv.Hiv);
                result.Add(Add("Observation/bbv", observation));
            }

            return result;
        }

        private ResourceReference KeyworkerNote(string notes)
        {
            var observation = Observation(Obs.KeyworkerNote, "social-history");
            observation.Value = new FhirString(notes);
            return Add("Observation/keyworker-notes", observation);
        }

        private ResourceReference OffenceObservation(Offence offence)
        {
            var observation = Observation(Obs.Offence, "social-history");
            AddComponent(observation, Obs.OffenceCategory, null, offence.Category);
            AddComponent(observation, Obs.TriggerOffence, offence.TriggerOffence);
            return Add("Observation/offence", observation);
        }

        private ResourceReference ConsentResource()
        {
            var consent = Dir.Consent;
            var resource = new FhirConsent
            {
                Status = consent.WithdrawnAt is null ? FhirConsent.ConsentState.Active : FhirConsent.ConsentState.Inactive,
                Scope = new CodeableConcept(External.ConsentScope, "patient-privacy", "Privacy Consent"),
                // LOINC's display is not restated here; the text carries the meaning.
                Category = [new CodeableConcept { Coding = [new Coding("http://loinc.org", "59284-0")], Text = "Patient consent" }],
                Patient = PatientReference(),
                DateTime = consent.RecordedAt,
                PolicyRule = new CodeableConcept(External.ActCode, "OPTIN", "opt-in"),
                Provision = new FhirConsent.provisionComponent
                {
                    Type = FhirConsent.ConsentProvisionType.Permit,
                    Provision = consent.ShareWith.Select(RecipientProvision).ToList(),
                },
            };
            if (consent.WithdrawnAt is { } withdrawnAt)
            {
                resource.Provision.Period = new Period { End = withdrawnAt };
            }

            if (consent.Override is { } over)
            {
                var extension = new Extension { Url = StructureDefinition(Ext.ConsentOverride) };
                extension.Extension.Add(new Extension("legalBasis", Coded(Cs.LegalBasis, over.LegalBasis)));
                extension.Extension.Add(new Extension("authorisedBy", Person(over.AuthorisedBy)));
                extension.Extension.Add(new Extension("justification", new FhirString(over.Justification)));
                resource.Extension.Add(extension);
            }

            return Add("Consent", resource);
        }

        private FhirConsent.provisionComponent RecipientProvision(string recipientType) => new()
        {
            Type = FhirConsent.ConsentProvisionType.Permit,
            Actor =
            [
                new FhirConsent.provisionActorComponent
                {
                    Role = Coded(Cs.RecipientType, recipientType),
                    Reference = new ResourceReference { Display = $"Any {profiles.Display(Cs.RecipientType, recipientType)} recipient" },
                },
            ],
        };
    }
}
