using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;
using FhirPractitioner = Hl7.Fhir.Model.Practitioner;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ExchangeGateway.Fhir.Tests;

public class ResponseDocumentTests
{
    private static readonly ResponseDocumentMapper Mapper = new(ProfileSet.Embedded);
    private static readonly DateTimeOffset At = new(2026, 12, 3, 14, 5, 0, TimeSpan.Zero);
    private static readonly Responder Clinician = new("Dr A Khan", "Prescriber", "GMC 1234567");

    private static ResponseNotice Notice(BusinessResponse response) =>
        new("msg-7f3a", "sub-2b91", EventTypes.Transfer, "LEI", AgencyTypes.Prison, "HLI", response, At);

    private static ResponseNotice Rejection() => Notice(new BusinessResponse(
        ResponseOutcome.Rejected,
        Clinician,
        Reason: "No detox bed until Monday",
        Note: "Please call the healthcare unit",
        CannotContinue: [new CannotContinue("buprenorphine-prolonged-release-injection", "not on our formulary"), new CannotContinue("Pregabalin 300 mg", "needs a specialist review")]));

    private static ResponseNotice Acceptance() => Notice(new BusinessResponse(ResponseOutcome.Accepted, new Responder("Jo Reed", "Healthcare manager")));

    private static T Resource<T>(Bundle bundle) where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>().Single();

    private static T Resolve<T>(Bundle bundle, ResourceReference reference) where T : Resource =>
        Assert.IsType<T>(bundle.Entry.Single(e => e.FullUrl == reference.Reference).Resource);

    private static void AssertValid(string json)
    {
        var issues = DocumentValidator.Embedded.ValidateJson(json);
        Assert.True(issues.Count == 0, string.Join("\n", issues));
    }

    [Fact]
    public void A_rejection_document_passes_the_profiles() => AssertValid(Mapper.MapToJson(Rejection()));

    [Fact]
    public void An_acceptance_document_passes_the_profiles() => AssertValid(Mapper.MapToJson(Acceptance()));

    [Fact]
    public void A_rejection_maps_to_a_rejected_Task_owned_by_the_named_clinician()
    {
        var bundle = Mapper.Map(Rejection());
        var task = Resource<FhirTask>(bundle);
        var role = Resolve<PractitionerRole>(bundle, task.Owner!);
        var practitioner = Resolve<FhirPractitioner>(bundle, role.Practitioner!);
        var organization = Resolve<Organization>(bundle, role.Organization!);

        Assert.Equal(FhirTask.TaskStatus.Rejected, task.Status);
        Assert.Equal(FhirTask.TaskIntent.Order, task.Intent);
        Assert.Equal((FhirNames.CodeSystem(FhirNames.Cs.ResponseOutcome), "rejected"), (task.BusinessStatus!.Coding.Single().System, task.BusinessStatus.Coding.Single().Code));
        Assert.Equal("Dr A Khan", practitioner.Name.Single().Text);
        Assert.Equal((FhirNames.Systems.ProfessionalId, "GMC 1234567"), (practitioner.Identifier.Single().System, practitioner.Identifier.Single().Value));
        Assert.Equal("Prescriber", role.Code.Single().Text);
        Assert.Equal((FhirNames.Systems.PrisonCode, "LEI"), (organization.Identifier.Single().System, organization.Identifier.Single().Value));
        Assert.Equal("prison", organization.Type.Single().Coding.Single().Code);
    }

    [Fact]
    public void The_Task_names_the_answered_message_and_says_why_and_when()
    {
        var bundle = Mapper.Map(Rejection());
        var task = Resource<FhirTask>(bundle);

        Assert.Null(task.Focus!.Reference);
        Assert.Equal((FhirNames.Systems.Message, "msg-7f3a"), (task.Focus.Identifier!.System, task.Focus.Identifier.Value));
        Assert.Equal((FhirNames.Systems.Submission, "sub-2b91"), (task.GroupIdentifier!.System, task.GroupIdentifier.Value));
        Assert.Equal("No detox bed until Monday", task.StatusReason!.Text);
        Assert.Equal("Please call the healthcare unit", task.Note.Single().Text);
        Assert.Equal("2026-12-03T14:05:00+00:00", task.AuthoredOn);
        Assert.Equal("2026-12-03T14:05:00+00:00", task.LastModified);
        Assert.Equal("HLI", Resolve<Organization>(bundle, task.Requester!).Identifier.Single().Value);
    }

    [Fact]
    public void Each_medication_that_cannot_be_continued_is_a_Task_output_read_by_its_display()
    {
        var outputs = Resource<FhirTask>(Mapper.Map(Rejection())).Output;

        Assert.All(outputs, o => Assert.Equal("cannot-continue", o.Type!.Coding.Single().Code));
        Assert.Equal(
            ["Buprenorphine prolonged-release injection: not on our formulary", "Pregabalin 300 mg: needs a specialist review"],
            outputs.Select(o => Assert.IsType<FhirString>(o.Value).Value));
    }

    [Fact]
    public void An_acceptance_maps_to_a_completed_Task_with_no_reason_or_outputs()
    {
        var bundle = Mapper.Map(Acceptance());
        var task = Resource<FhirTask>(bundle);

        Assert.Equal(FhirTask.TaskStatus.Completed, task.Status);
        Assert.Equal("accepted", task.BusinessStatus!.Coding.Single().Code);
        Assert.Null(task.StatusReason);
        Assert.Empty(task.Output);
        Assert.Empty(Resolve<FhirPractitioner>(bundle, Resolve<PractitionerRole>(bundle, task.Owner!).Practitioner!).Identifier);
    }

    [Fact]
    public void The_document_is_a_message_response_from_the_responder_with_its_own_identifier()
    {
        var bundle = Mapper.Map(Rejection());
        var composition = Assert.IsType<Composition>(bundle.Entry[0].Resource);
        var section = Assert.Single(composition.Section);

        Assert.Equal("message-response", composition.Type!.Coding.Single().Code);
        Assert.Equal((FhirNames.Systems.Submission, "msg-7f3a/response"), (bundle.Identifier!.System, bundle.Identifier.Value));
        Assert.Equal("response", section.Code!.Coding.Single().Code);
        Assert.Equal(Resource<FhirTask>(bundle), Resolve<FhirTask>(bundle, section.Entry.Single()));
        Assert.Equal("LEI", Resolve<Organization>(bundle, composition.Author.Single()).Identifier.Single().Value);
        Assert.Equal("msg-7f3a", Assert.IsType<Identifier>(composition.GetExtension(FhirNames.StructureDefinition(FhirNames.Ext.InReplyTo))?.Value).Value);
        Assert.Contains(bundle.Meta!.Security, c => c.Code == "ETH");
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is Patient);
    }

    [Fact]
    public void The_narrative_says_who_rejected_which_message_why_and_what_cannot_be_continued()
    {
        var composition = Assert.IsType<Composition>(Mapper.Map(Rejection()).Entry[0].Resource);

        foreach (var text in new[] { composition.Text!.Div, composition.Section.Single().Text!.Div })
        {
            Assert.Contains(
                "LEI (Prison) rejected the transfer message msg-7f3a (submission sub-2b91) at 14:05 UTC+00:00 on 3 December 2026: "
                + "Dr A Khan (Prescriber, GMC 1234567): No detox bed until Monday.",
                text,
                StringComparison.Ordinal);
            Assert.Contains("Cannot continue: Buprenorphine prolonged-release injection — not on our formulary; Pregabalin 300 mg — needs a specialist review.", text, StringComparison.Ordinal);
            Assert.Contains("Note: Please call the healthcare unit.", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_narrative_of_an_acceptance_names_the_clinician()
    {
        var text = Assert.IsType<Composition>(Mapper.Map(Acceptance()).Entry[0].Resource).Text!.Div;
        Assert.Contains("LEI (Prison) accepted the transfer message msg-7f3a (submission sub-2b91) at 14:05 UTC+00:00 on 3 December 2026: Jo Reed (Healthcare manager).", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rejected_Task_without_its_reason_is_invalid()
    {
        var bundle = Mapper.Map(Rejection());
        Resource<FhirTask>(bundle).StatusReason = null;
        Assert.Contains(DocumentValidator.Embedded.Validate(bundle), i => i.IsError && i.Message.Contains("eg-tsk-2", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Task_whose_status_disagrees_with_its_business_status_is_invalid()
    {
        var bundle = Mapper.Map(Acceptance());
        Resource<FhirTask>(bundle).Status = FhirTask.TaskStatus.Rejected;
        Assert.Contains(DocumentValidator.Embedded.Validate(bundle), i => i.IsError && i.Message.Contains("eg-tsk-1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_notice_gives_byte_identical_documents() =>
        Assert.Equal(Mapper.MapToJson(Rejection()), new ResponseDocumentMapper(ProfileSet.Embedded).MapToJson(Rejection()));
}
