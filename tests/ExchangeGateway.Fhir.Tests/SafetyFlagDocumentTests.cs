using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class SafetyFlagDocumentTests
{
    private const string NotifiedDayBefore = "2026-04-30T12:00:00+01:00";

    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DocumentValidator Validator = DocumentValidator.Embedded;

    private static Submission Read(string json)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Submission!;
    }

    // A Friday release before the early May bank holiday with no bridging, no same-day appointment, no naloxone, no fixed
    // abode and no GP: with NotifiedDayBefore it raises every flag but unplanned-release, and unplanned every flag but the notice ones.
    private static string EveryFlagJson(bool planned = true)
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"]!["plannedRelease"] = planned;
        json["dir"]!["releasePlan"]!["releaseDate"] = "2026-05-01";
        json["dir"]!["releasePlan"]!["accommodation"] = "no-fixed-abode";
        json["dir"]!["client"]!.AsObject().Remove("gpPractice");
        json["dir"]!["releasePlan"]!.AsObject().Remove("firstAppointment");
        json["prescribing"]!.AsObject().Remove("bridgingPrescription");
        json["prescribing"]!["naloxone"] = new JsonObject { ["issued"] = false };
        return json.ToJsonString();
    }

    private static List<Flag> Flags(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Flag>().ToList();

    private static List<string?> FlagCodes(Bundle bundle) => Flags(bundle).Select(f => f.Code.Coding.Single().Code).ToList();

    private static void AssertValid(string bundleJson)
    {
        var issues = Validator.ValidateJson(bundleJson);
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    private static void AssertRoundTrips(string inputJson, string? firstNotifiedAt = null)
    {
        Assert.True(FhirDocumentJson.TryParse(Mapper.MapToJson(Read(inputJson), firstNotifiedAt), out var bundle, out var problem), problem);
        var back = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle!));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(inputJson), JsonNode.Parse(back)), $"unmap(map(x)) differs from x:\n{back}");
    }

    [Fact]
    public void The_release_ost_document_carries_the_flags_the_domain_raises()
    {
        var submission = Read(Examples.Text(Examples.ReleaseOst));
        Assert.Equal(SafetyFlags.Raise(submission).Select(f => f.Code), FlagCodes(Mapper.Map(submission)));
    }

    [Fact]
    public void A_Flag_is_active_safety_coded_with_display_and_plain_text_about_the_patient()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.ReleaseOst)));
        var patientUrl = bundle.Entry.Single(e => e.Resource is Patient).FullUrl;
        var flag = Assert.Single(Flags(bundle), f => f.Code.Coding[0].Code == SafetyFlags.FridayRelease);

        Assert.Equal(Flag.FlagStatus.Active, flag.Status);
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/flag-category", "safety"), (flag.Category.Single().Coding[0].System, flag.Category.Single().Coding[0].Code));
        Assert.Equal("https://exchange-gateway.example/fhir/CodeSystem/safety-flag", flag.Code.Coding[0].System);
        Assert.Equal("Release on a Friday", flag.Code.Coding[0].Display);
        Assert.StartsWith("Release is on a Friday", flag.Code.Text, StringComparison.Ordinal);
        Assert.Equal(patientUrl, flag.Subject.Reference);
    }

    [Fact]
    public void Every_Flag_is_an_entry_of_the_risks_and_alerts_section()
    {
        var bundle = Mapper.Map(Read(EveryFlagJson()), NotifiedDayBefore);
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);
        var section = composition.Section.Single(s => s.Code?.Coding[0].Code == "risks-alerts");
        var flagUrls = bundle.Entry.Where(e => e.Resource is Flag).Select(e => e.FullUrl).ToList();

        Assert.Equal(SafetyFlags.Codes.Count - 1, flagUrls.Count);
        Assert.Equal(flagUrls, section.Entry.Select(r => r.Reference).Where(r => flagUrls.Contains(r)));
        Assert.All(composition.Section.Where(s => s != section), s => Assert.DoesNotContain(s.Entry, r => flagUrls.Contains(r.Reference)));
    }

    [Fact]
    public void A_document_with_every_flag_passes_the_profiles() => AssertValid(Mapper.MapToJson(Read(EveryFlagJson()), NotifiedDayBefore));

    [Fact]
    public void An_unplanned_release_document_carries_the_unplanned_no_fixed_abode_and_no_GP_flags_in_risks_and_alerts_and_validates()
    {
        var json = Mapper.MapToJson(Read(EveryFlagJson(planned: false)));
        Assert.True(FhirDocumentJson.TryParse(json, out var bundle, out var problem), problem);
        var codes = FlagCodes(bundle!);
        Assert.Equal(SafetyFlags.Codes.Except([SafetyFlags.LateNotice, SafetyFlags.NoticeUnderSixWeeks]), codes);
        var section = Assert.IsType<Composition>(bundle!.Entry[0].Resource).Section.Single(s => s.Code?.Coding[0].Code == "risks-alerts");
        var inSection = section.Entry.Select(r => bundle.Entry.Single(e => e.FullUrl == r.Reference).Resource).OfType<Flag>();
        Assert.Equal(codes, inSection.Select(f => f.Code.Coding.Single().Code));
        Assert.Equal("Unplanned release", Flags(bundle).Single(f => f.Code.Coding[0].Code == SafetyFlags.UnplannedRelease).Code.Coding[0].Display);
        AssertValid(json);
        AssertRoundTrips(EveryFlagJson(planned: false));
    }

    [Fact]
    public void A_release_notice_received_under_6_weeks_ahead_carries_the_6_week_flag_and_validates()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["event"] = new JsonObject { ["type"] = "release-notice", ["occurredAt"] = "2026-02-20T09:00:00+00:00", ["from"] = "HLI" };
        var input = json.ToJsonString();
        var codes = FlagCodes(Mapper.Map(Read(input)));
        Assert.Contains(SafetyFlags.NoticeUnderSixWeeks, codes);
        Assert.DoesNotContain(SafetyFlags.LateNotice, codes);
        AssertValid(Mapper.MapToJson(Read(input)));
    }

    [Fact]
    public void A_document_with_every_flag_round_trips_because_the_unmapper_ignores_Flags() => AssertRoundTrips(EveryFlagJson(), NotifiedDayBefore);

    [Fact]
    public void Removing_the_Flags_does_not_change_what_the_document_unmaps_to()
    {
        var bundle = Mapper.Map(Read(EveryFlagJson()), NotifiedDayBefore);
        var withFlags = SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle));
        bundle.Entry.RemoveAll(e => e.Resource is Flag);
        Assert.Equal(withFlags, SubmissionJson.Serialize(SubmissionUnmapper.Unmap(bundle)));
    }

    [Fact]
    public void Flags_alone_make_a_risks_and_alerts_section_that_validates_and_round_trips()
    {
        var json = Examples.Json(Examples.ReleaseOst);
        json["dir"]!.AsObject().Remove("risks");
        var input = json.ToJsonString();
        var bundle = Mapper.Map(Read(input));

        var section = Assert.IsType<Composition>(bundle.Entry[0].Resource).Section.Single(s => s.Code?.Coding[0].Code == "risks-alerts");
        Assert.All(section.Entry, r => Assert.IsType<Flag>(bundle.Entry.Single(e => e.FullUrl == r.Reference).Resource));
        AssertValid(Mapper.MapToJson(Read(input)));
        AssertRoundTrips(input);
    }

    [Fact]
    public void A_document_that_raises_no_flag_has_no_Flag() => Assert.Empty(Flags(Mapper.Map(Read(Examples.Text(Examples.Transfer)))));

    [Fact]
    public void A_first_notification_two_days_ahead_leaves_out_the_late_notice_flag()
    {
        var submission = Read(Examples.Text(Examples.ReleaseOst));
        Assert.Contains(SafetyFlags.LateNotice, FlagCodes(Mapper.Map(submission)));
        Assert.DoesNotContain(SafetyFlags.LateNotice, FlagCodes(Mapper.Map(submission, "2026-03-11T09:00:00+00:00")));
    }

    [Fact]
    public void The_same_input_and_notification_time_map_to_byte_identical_output()
    {
        var first = Mapper.MapToJson(Read(EveryFlagJson()), NotifiedDayBefore);
        var second = new ReleaseSummaryMapper(ProfileSet.Embedded).MapToJson(Read(EveryFlagJson()), NotifiedDayBefore);
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_safety_flag_codesystem_holds_exactly_the_domain_codes_the_two_alert_flags_and_the_escalation_kinds()
    {
        var codeSystem = ProfileSet.Embedded.CodeSystemByUrl(FhirNames.CodeSystem(FhirNames.Cs.SafetyFlag));
        Assert.NotNull(codeSystem);
        Assert.Equal(
            SafetyFlags.Codes.Append(ReleaseTimeline.OverdueAlertFlag).Append(UnplannedReleaseAlert.FlagCode).Concat(EscalationKinds.All)
                .Concat([ReleaseMilestoneKinds.SixWeeksPrompt, ReleaseMilestoneKinds.ConfirmPlanPrompt, ReleaseTimeline.ReminderSentEarlyFlag]),
            codeSystem.Concept.Select(c => c.Code));
    }

    [Fact]
    public void Flag_has_a_profile_the_document_profile_names_for_it() =>
        Assert.Equal("https://exchange-gateway.example/fhir/StructureDefinition/eg-flag", ProfileSet.Embedded.ProfileFor("Flag")?.Url);

    // Firely's outcome: an error at the Flag's entry (or anywhere, for a reference checked from the referring side).
    private static void AssertError(IReadOnlyList<DocumentIssue> issues, string location, string says) =>
        Assert.True(
            issues.Any(i => i.IsError && i.Location.StartsWith(location, StringComparison.Ordinal) && i.Message.Contains(says, StringComparison.Ordinal)),
            $"expected an error at {location} saying '{says}', got:\n{string.Join("\n", issues)}");

    private static (Bundle Bundle, int Index, Flag Flag) FirstFlag()
    {
        var bundle = Mapper.Map(Read(Examples.Text(Examples.ReleaseOst)));
        var index = bundle.Entry.FindIndex(e => e.Resource is Flag);
        return (bundle, index, Assert.IsType<Flag>(bundle.Entry[index].Resource));
    }

    [Fact]
    public void A_Flag_with_a_code_outside_safety_flag_is_rejected()
    {
        var (bundle, index, flag) = FirstFlag();
        flag.Code.Coding[0].Code = "full-moon";
        AssertError(Validator.Validate(bundle), $"Bundle.entry[{index}].resource[0].code", "Code 'full-moon'");
    }

    [Fact]
    public void A_Flag_without_its_plain_text_is_rejected()
    {
        var (bundle, index, flag) = FirstFlag();
        flag.Code.Text = null;
        AssertError(Validator.Validate(bundle), $"Bundle.entry[{index}].resource[0].code", "Missing required member: 'text'");
    }

    [Fact]
    public void A_Flag_outside_the_safety_category_is_rejected()
    {
        var (bundle, index, flag) = FirstFlag();
        flag.Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/flag-category", "diet")];
        AssertError(Validator.Validate(bundle), $"Bundle.entry[{index}].resource[0].category", "does not match pattern");
    }

    [Fact]
    public void An_inactive_Flag_is_rejected()
    {
        var (bundle, index, flag) = FirstFlag();
        flag.Status = Flag.FlagStatus.Inactive;
        AssertError(Validator.Validate(bundle), $"Bundle.entry[{index}].resource[0].status", "fixed value 'active'");
    }

    [Fact]
    public void A_Flag_about_something_other_than_the_Patient_is_rejected()
    {
        var (bundle, index, flag) = FirstFlag();
        flag.Subject = new ResourceReference(bundle.Entry.First(e => e.Resource is Organization).FullUrl);
        AssertError(Validator.Validate(bundle), "Bundle.entry[", "not one of the allowed target types ('Patient')");
    }
}
