using System.Reflection;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;

namespace ExchangeGateway.Fhir.Tests;

public class DocumentValidatorTests
{
    private const string PatientUrl = "urn:uuid:00000000-0000-4000-8000-000000000001";
    private const string PrisonUrl = "urn:uuid:00000000-0000-4000-8000-000000000002";
    private const string AssessorUrl = "urn:uuid:00000000-0000-4000-8000-000000000003";
    private const string EncounterUrl = "urn:uuid:00000000-0000-4000-8000-000000000004";
    private const string LastDoseUrl = "urn:uuid:00000000-0000-4000-8000-000000000005";
    private const string CompositionUrl = "urn:uuid:00000000-0000-4000-8000-000000000006";

    private static readonly ProfileSet Profiles = ProfileSet.Embedded;
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;

    private static CodeableConcept Coded(string codeSystem, string code) =>
        new(FhirNames.CodeSystem(codeSystem), code, Profiles.Display(codeSystem, code));

    private static Narrative Readable(string text) =>
        new() { Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated, Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{text}</p></div>" };

    /// <summary>
    /// The smallest document the profiles accept: Composition (with narrative and confidentiality), Patient, prison,
    /// assessment, last dose, and the document's security labels.
    /// </summary>
    private static Bundle MinimalDocument()
    {
        var composition = new Composition
        {
            Text = Readable("Release summary"),
            Confidentiality = Composition.V3ConfidentialityClassification.R,
            Identifier = new Identifier(FhirNames.Systems.Dir, "DIR-1"),
            Status = CompositionStatus.Final,
            Type = Coded(FhirNames.Cs.DocumentType, "release-summary"),
            Subject = new ResourceReference(PatientUrl),
            Encounter = new ResourceReference(EncounterUrl),
            Date = "2025-03-01T09:00:00+00:00",
            Author = [new ResourceReference(PrisonUrl)],
            Title = Profiles.Display(FhirNames.Cs.DocumentType, "release-summary"),
            Section =
            [
                new Composition.SectionComponent
                {
                    Title = Profiles.Display(FhirNames.Cs.DocumentSection, "medications"),
                    Code = Coded(FhirNames.Cs.DocumentSection, "medications"),
                    Text = Readable("Last dose 30 ml"),
                    Entry = [new ResourceReference(LastDoseUrl)],
                },
            ],
        };
        var patient = new Patient
        {
            Identifier = [new Identifier(FhirNames.Systems.NhsNumber, "9434765919")],
            Name = [new HumanName { Family = "Smith", Given = ["John"] }],
            Gender = AdministrativeGender.Male,
            BirthDate = "1980-05-17",
        };
        var prison = new Organization
        {
            Identifier = [new Identifier(FhirNames.Systems.PrisonCode, "BMI")],
            Type = [Coded(FhirNames.Cs.AgencyType, "prison")],
        };
        var assessor = new Practitioner { Name = [new HumanName { Text = "A. Nurse" }] };
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding(FhirNames.External.ActCode, "AMB", "ambulatory"),
            Type = [Coded(FhirNames.Cs.AssessmentType, "custody-release")],
            Subject = new ResourceReference(PatientUrl),
            Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference(AssessorUrl) }],
            Period = new Period { Start = "2025-02-20" },
        };
        var lastDose = new MedicationAdministration
        {
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept { Text = "Methadone 1mg/ml oral solution" },
            Subject = new ResourceReference(PatientUrl),
            Effective = new FhirDateTime("2025-03-01T08:15:00+00:00"),
            Dosage = new MedicationAdministration.DosageComponent
            {
                Dose = new Quantity { Value = 30, Unit = "ml", System = FhirNames.External.Ucum, Code = "mL" },
            },
        };

        return new Bundle
        {
            Meta = new Meta
            {
                Security =
                [
                    new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", "restricted"),
                    new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "ETH", "substance abuse information sensitivity"),
                    new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD", "no redisclosure without consent directive"),
                ],
            },
            Identifier = new Identifier(FhirNames.Systems.Submission, "6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81"),
            Type = Bundle.BundleType.Document,
            Timestamp = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero),
            Entry =
            [
                new Bundle.EntryComponent { FullUrl = CompositionUrl, Resource = composition },
                new Bundle.EntryComponent { FullUrl = PatientUrl, Resource = patient },
                new Bundle.EntryComponent { FullUrl = PrisonUrl, Resource = prison },
                new Bundle.EntryComponent { FullUrl = AssessorUrl, Resource = assessor },
                new Bundle.EntryComponent { FullUrl = EncounterUrl, Resource = encounter },
                new Bundle.EntryComponent { FullUrl = LastDoseUrl, Resource = lastDose },
            ],
        };
    }

    private static T Resource<T>(Bundle bundle)
        where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>().Single();

    private static int IndexOf<T>(Bundle bundle)
        where T : Resource => bundle.Entry.FindIndex(e => e.Resource is T);

    private static string Describe(IReadOnlyList<DocumentIssue> issues) => string.Join("\n", issues);

    private static string EntryLocation<T>(Bundle bundle)
        where T : Resource => $"Bundle.entry[{IndexOf<T>(bundle)}].resource";

    // Firely's outcome: an error whose location starts with the given FHIRPath and whose message says the given words.
    private static void AssertError(IReadOnlyList<DocumentIssue> issues, string location, string says) =>
        Assert.True(
            issues.Any(i => i.IsError && i.Location.StartsWith(location, StringComparison.Ordinal) && i.Message.Contains(says, StringComparison.Ordinal)),
            $"expected an error at {location} saying '{says}', got:\n{Describe(issues)}");

    [Fact]
    public void A_minimal_document_passes_with_no_errors_and_no_warnings()
    {
        var issues = Validator.Validate(MinimalDocument());
        Assert.True(issues.Count == 0, Describe(issues));
    }

    [Fact]
    public void A_minimal_document_passes_after_a_round_trip_through_JSON()
    {
        var json = FhirJsonSerializer.Default.SerializeToString(MinimalDocument());
        var issues = Validator.ValidateJson(json);
        Assert.True(issues.Count == 0, Describe(issues));
    }

    [Fact]
    public void A_document_without_narrative_is_rejected()
    {
        var bundle = MinimalDocument();
        Resource<Composition>(bundle).Text = null;
        Resource<Composition>(bundle).Section[0].Text = null;

        var errors = Validator.Validate(bundle).Where(i => i.IsError).ToList();

        Assert.Contains(errors, i => i.Location == "Bundle.entry[0].resource[0]" && i.Message.Contains("'text'", StringComparison.Ordinal));
        Assert.Contains(errors, i => i.Location == "Bundle.entry[0].resource[0].section[0]" && i.Message.Contains("'text'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("R")]
    [InlineData("ETH")]
    [InlineData("NORDSCLCD")]
    public void A_document_missing_a_security_label_is_rejected_by_eg_bdl_6(string label)
    {
        var bundle = MinimalDocument();
        bundle.Meta!.Security.RemoveAll(c => c.Code == label);

        Assert.Contains(Validator.Validate(bundle), i => i.IsError && i.Message.Contains("eg-bdl-6", StringComparison.Ordinal));
    }

    [Fact]
    public void An_organisation_name_or_address_line_with_a_direction_override_is_rejected()
    {
        var bundle = MinimalDocument();
        Resource<Organization>(bundle).Name = "HMP \u202eHull";
        Resource<Patient>(bundle).Address = [new Address { Line = ["12 Canal Street\nLeeds"] }];

        var issues = Validator.Validate(bundle);

        Assert.Contains(issues, i => i.IsError && i.Message.Contains("Organization.name", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("Patient.address.line", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sm\u202eith", "bidirectional")]
    [InlineData("Sm\u0000ith", "control character")]
    [InlineData("\u200b\ufeff", "blank")]
    [InlineData("Sm\uffffith", "noncharacter")]
    public void A_name_that_is_not_plain_text_is_rejected_naming_it(string family, string why)
    {
        var bundle = MinimalDocument();
        Resource<Patient>(bundle).Name[0].Family = family;

        var issues = Validator.Validate(bundle);

        Assert.Contains(issues, i => i.IsError && i.Location == $"{EntryLocation<Patient>(bundle)}[0].name[0].family[0]"
            && i.Message.Contains("Patient.name.family", StringComparison.Ordinal) && i.Message.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bundle_with_no_Patient_is_rejected_by_eg_bdl_1()
    {
        var bundle = MinimalDocument();
        bundle.Entry.RemoveAt(IndexOf<Patient>(bundle));

        AssertError(Validator.Validate(bundle), "Bundle", "eg-bdl-1");
    }

    [Fact]
    public void A_dangling_reference_is_rejected_by_eg_bdl_5()
    {
        var bundle = MinimalDocument();
        const string nowhere = "urn:uuid:99999999-0000-4000-8000-000000000000";
        Resource<MedicationAdministration>(bundle).Subject = new ResourceReference(nowhere);

        AssertError(Validator.Validate(bundle), "Bundle", "eg-bdl-5");
    }

    [Fact]
    public void A_MedicationAdministration_with_no_time_is_rejected()
    {
        var bundle = MinimalDocument();
        Resource<MedicationAdministration>(bundle).Effective = null!;

        var issues = Validator.Validate(bundle);

        AssertError(issues, EntryLocation<MedicationAdministration>(bundle), "effective");
        AssertError(issues, EntryLocation<MedicationAdministration>(bundle), "eg-mad-1");
    }

    [Fact]
    public void A_last_dose_with_a_date_but_no_time_is_rejected_by_eg_mad_1()
    {
        var bundle = MinimalDocument();
        Resource<MedicationAdministration>(bundle).Effective = new FhirDateTime("2025-03-01");

        AssertError(Validator.Validate(bundle), EntryLocation<MedicationAdministration>(bundle), "eg-mad-1");
    }

    [Fact]
    public void A_last_dose_time_without_an_offset_is_rejected_by_eg_mad_3()
    {
        var bundle = MinimalDocument();
        Resource<MedicationAdministration>(bundle).Effective = new FhirDateTime("2025-03-01T08:15:00");

        AssertError(Validator.Validate(bundle), EntryLocation<MedicationAdministration>(bundle), "eg-mad-3");
    }

    [Fact]
    public void A_last_dose_over_a_period_is_rejected_as_the_wrong_type()
    {
        var bundle = MinimalDocument();
        Resource<MedicationAdministration>(bundle).Effective = new Period { Start = "2025-03-01T08:00:00+00:00" };

        AssertError(Validator.Validate(bundle), EntryLocation<MedicationAdministration>(bundle), "Period");
    }

    [Fact]
    public void A_code_outside_a_required_value_set_is_rejected()
    {
        var bundle = MinimalDocument();
        Resource<Composition>(bundle).Type = new CodeableConcept(FhirNames.CodeSystem(FhirNames.Cs.DocumentType), "discharge-letter");

        AssertError(Validator.Validate(bundle), "Bundle.entry[0].resource[0].type[0]", "discharge-letter");
    }

    [Fact]
    public void A_code_from_another_system_is_rejected_for_a_required_binding()
    {
        var bundle = MinimalDocument();
        Resource<Organization>(bundle).Type = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/organization-type", "prov")];

        AssertError(Validator.Validate(bundle), $"{EntryLocation<Organization>(bundle)}[0].type[0]", "prov");
    }

    [Fact]
    public void A_wrong_submission_identifier_system_is_rejected()
    {
        var bundle = MinimalDocument();
        bundle.Identifier = new Identifier("urn:ietf:rfc:3986", "urn:uuid:6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81");

        AssertError(Validator.Validate(bundle), "Bundle.identifier[0].system[0]", "pattern");
    }

    [Fact]
    public void A_document_whose_first_entry_is_not_the_Composition_is_rejected_by_eg_bdl_2()
    {
        var bundle = MinimalDocument();
        (bundle.Entry[0], bundle.Entry[1]) = (bundle.Entry[1], bundle.Entry[0]);

        AssertError(Validator.Validate(bundle), "Bundle", "eg-bdl-2");
    }

    [Fact]
    public void A_duplicate_fullUrl_is_rejected_by_eg_bdl_4()
    {
        var bundle = MinimalDocument();
        bundle.Entry[5].FullUrl = PrisonUrl;

        AssertError(Validator.Validate(bundle), "Bundle", "eg-bdl-4");
    }

    [Fact]
    public void A_resource_type_without_a_profile_is_rejected()
    {
        var bundle = MinimalDocument();
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:00000000-0000-4000-8000-000000000099", Resource = new Basic { Code = new CodeableConcept { Text = "x" } } });

        AssertError(Validator.Validate(bundle), "Bundle.entry[6].resource", "Basic");
    }

    [Fact]
    public void An_extension_in_our_namespace_the_profiles_do_not_define_is_rejected()
    {
        var bundle = MinimalDocument();
        Resource<Patient>(bundle).Extension.Add(new Extension(FhirNames.StructureDefinition("shoe-size"), new Integer(9)));

        AssertError(Validator.Validate(bundle), $"{EntryLocation<Patient>(bundle)}[0].extension[0]", "shoe-size");
    }

    [Fact]
    public void A_consent_override_missing_its_justification_is_rejected()
    {
        var bundle = MinimalDocument();
        var over = new Extension { Url = FhirNames.StructureDefinition(FhirNames.Ext.ConsentOverride) };
        over.Extension.Add(new Extension("legalBasis", Coded(FhirNames.Cs.LegalBasis, "safeguarding")));
        over.Extension.Add(new Extension("authorisedBy", new ResourceReference(AssessorUrl)));
        var consent = new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference(PatientUrl),
            DateTime = "2025-02-20T10:00:00+00:00",
            PolicyRule = new CodeableConcept(FhirNames.External.ActCode, "OPTIN"),
            Provision = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit },
            Extension = [over],
        };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = "urn:uuid:00000000-0000-4000-8000-000000000007", Resource = consent });

        AssertError(Validator.Validate(bundle), "Bundle.entry[6].resource[0].extension[0]", "justification");
    }

    [Fact]
    public void Text_that_is_not_a_Bundle_is_one_error_not_an_exception()
    {
        var unreadable = Assert.Single(Validator.ValidateJson("{ not json"));
        Assert.True(unreadable.IsError);
        Assert.Equal("Bundle", unreadable.Location);
        Assert.Contains("not a Bundle", Assert.Single(Validator.ValidateJson("{\"resourceType\":\"Patient\",\"gender\":\"male\"}")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validations_running_at_once_give_the_same_answers()
    {
        var good = FhirJsonSerializer.Default.SerializeToString(MinimalDocument());
        var bad = MinimalDocument();
        Resource<MedicationAdministration>(bad).Effective = new FhirDateTime("2025-03-01");
        var badJson = FhirJsonSerializer.Default.SerializeToString(bad);

        var answers = Enumerable.Range(0, 8).AsParallel().Select(i => Validator.ValidateJson(i % 2 == 0 ? good : badJson).Count(issue => issue.IsError)).ToList();

        Assert.Equal(Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? 0 : answers[1]), answers);
        Assert.True(answers[1] > 0);
    }

    [Fact]
    public void Every_profile_invariant_compiles()
    {
        var compiler = new FhirPathCompiler();
        var expressions = Profiles.StructureDefinitions
            .SelectMany(sd => (sd.Differential?.Element ?? []).SelectMany(e => e.Constraint).Select(c => (sd.Url, c.Key, c.Expression)))
            .ToList();

        Assert.Contains(expressions, e => e.Key == "eg-bdl-1");
        Assert.All(expressions, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Expression), $"{e.Url} {e.Key} has no expression");
            var exception = Record.Exception(() => compiler.Compile(e.Expression));
            Assert.True(exception is null, $"{e.Url} {e.Key}: {exception?.Message}");
        });
    }

    [Fact]
    public void The_document_profile_names_the_profile_of_every_resource_type()
    {
        var entryResource = Profiles.StructureDefinitionByUrl(DocumentValidator.DocumentProfile)!.Differential!.Element.Single(e => e.ElementId == "Bundle.entry.resource");
        var resourceProfiles = Profiles.StructureDefinitions
            .Where(sd => sd.Kind == StructureDefinition.StructureDefinitionKind.Resource && sd.Type != "Bundle")
            .Select(sd => (sd.Type, sd.Url))
            .Order();

        Assert.Equal(resourceProfiles, entryResource.Type.Select(t => (t.Code, Assert.Single(t.Profile))).Order());
    }

    [Fact]
    public void Every_codesystem_has_a_matching_valueset()
    {
        var names = typeof(FhirNames.Cs).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var projectCodeSystems = Profiles.CodeSystems.Where(cs => cs.Url!.StartsWith(FhirNames.Base, StringComparison.Ordinal)).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), projectCodeSystems.Select(cs => cs.Url!["https://exchange-gateway.example/fhir/CodeSystem/".Length..]).Order(StringComparer.Ordinal));

        Assert.All(projectCodeSystems, codeSystem =>
        {
            var valueSetUrl = codeSystem.Url!.Replace("/CodeSystem/", "/ValueSet/", StringComparison.Ordinal);
            Assert.NotNull(Profiles.ValueSetByUrl(valueSetUrl));
            Assert.Equal(codeSystem.Concept.Select(c => c.Code), Profiles.Expand(valueSetUrl).Select(c => c.Code));
            Assert.All(Profiles.Expand(valueSetUrl), c => Assert.Equal(codeSystem.Url, c.System));
            Assert.All(codeSystem.Concept, c => Assert.False(string.IsNullOrWhiteSpace(c.Display), $"{codeSystem.Url}#{c.Code} has no display"));
        });
    }

    [Fact]
    public void The_UK_Core_NHS_number_status_extension_binds_to_a_value_set_held_in_the_profiles()
    {
        var extension = Assert.IsType<StructureDefinition>(Profiles.StructureDefinitionByUrl(FhirNames.UkCore.NhsNumberVerificationStatus));
        Assert.Equal("Patient.identifier", Assert.Single(extension.Context).Expression);

        var bound = Assert.IsType<string>(extension.Differential!.Element.Single(e => e.Path == "Extension.value[x]").Binding?.ValueSet);
        Assert.Contains(Profiles.Expand(bound), c => c.System == FhirNames.UkCore.NhsNumberVerificationStatusEngland && c.Code == "02");
        Assert.Equal(
            ["01", "02", "03", "04", "05", "06", "07", "08"],
            Profiles.CodeSystemByUrl(FhirNames.UkCore.NhsNumberVerificationStatusEngland)!.Concept.Select(c => c.Code));
    }

    [Fact]
    public void Every_extension_name_has_a_definition()
    {
        var names = typeof(FhirNames.Ext).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!);
        Assert.All(names, name => Assert.Equal("Extension", Profiles.StructureDefinitionByUrl(FhirNames.StructureDefinition(name))?.Type));
    }

    [Fact]
    public void Display_names_a_code_missing_from_its_codesystem()
    {
        Assert.Equal("Release summary", Profiles.Display(FhirNames.Cs.DocumentType, "release-summary"));
        var exception = Assert.Throws<InvalidOperationException>(() => Profiles.Display(FhirNames.Cs.Substance, "tea"));
        Assert.Contains("'tea'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_directory_package_matches_the_embedded_one()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "profiles", "MAPPING.md")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var fromDirectory = ProfileSet.FromDirectory(Path.Combine(directory.FullName, "profiles"));
        Assert.Equal(Profiles.StructureDefinitions.Select(sd => sd.Url).Order(StringComparer.Ordinal), fromDirectory.StructureDefinitions.Select(sd => sd.Url).Order(StringComparer.Ordinal));
        Assert.Equal(Profiles.CodeSystems.Count, fromDirectory.CodeSystems.Count);
        Assert.Equal(Profiles.ValueSets.Count, fromDirectory.ValueSets.Count);
    }
}
