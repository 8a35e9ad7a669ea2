using System.Net;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering.Tests;

public class GatewayNoticePageTests
{
    public static TheoryData<string> Notices => [.. RenderedNotices.All];

    public static TheoryData<string> EscalationKindNames => [.. EscalationKinds.All];

    public static TheoryData<string> Alerts => [RenderedNotices.OverdueAlert, RenderedNotices.EscalationAlert, RenderedNotices.UnplannedAlert];

    [Theory]
    [MemberData(nameof(Notices))]
    public void Each_notice_page_has_its_title_and_every_section_with_no_script_or_outside_reference(string notice)
    {
        var document = RenderedNotices.Document(notice);
        var composition = (Composition)document.Entry[0].Resource!;
        var page = DocumentPage.Render(document);

        Assert.Equal(notice, GatewayNotices.TypeOf(document));
        Assert.Contains($"<h1>{WebUtility.HtmlEncode(composition.Title)}</h1>", page, StringComparison.Ordinal);
        foreach (var section in composition.Section)
        {
            Assert.Contains($"<h2>{WebUtility.HtmlEncode(section.Title)}</h2>", page, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http:", page[page.IndexOf("<body>", StringComparison.Ordinal)..], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(document.Identifier!.Value)!, page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Alerts))]
    public void An_alert_page_names_the_person_and_when_it_was_raised_and_shows_the_flag_text_in_the_flags_box(string notice)
    {
        var document = RenderedNotices.Document(notice);
        var page = DocumentPage.Render(document);
        var flagText = document.Entry.Select(e => e.Resource).OfType<Flag>().Single().Code.Text;

        Assert.Contains("<dd>Jordan Lee Example</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>943 476 5919</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>Thursday 21 July 1988</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dd>A1234BC</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Raised</dt><dd>Thursday 12 March 2026 at 12:00pm</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<title>", page, StringComparison.Ordinal);
        Assert.Contains(": Jordan Lee Example</title>", page, StringComparison.Ordinal);

        var flags = page[page.IndexOf("id=\"flags\"", StringComparison.Ordinal)..];
        flags = flags[..flags.IndexOf("</section>", StringComparison.Ordinal)];
        Assert.Contains($"<li>{WebUtility.HtmlEncode(flagText)}</li>", flags, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EscalationKindNames))]
    public void An_escalation_alert_of_each_kind_shows_its_kind_and_what_to_do(string kind)
    {
        var page = DocumentPage.Render(RenderedNotices.Escalation(kind));

        Assert.Contains("<h1>Escalation alert</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Alert</dt>", page, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(RenderedNotices.EscalationText(kind)), page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overdue_alert_page_says_no_release_was_recorded()
    {
        var page = RenderedNotices.Page(RenderedNotices.OverdueAlert);

        Assert.Contains("<h1>Overdue release alert</h1>", page, StringComparison.Ordinal);
        Assert.Contains("No release has been recorded by", page, StringComparison.Ordinal);
        Assert.Contains("(DIR DIR-HLI-2026-000417)", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_unplanned_release_alert_page_names_the_alert_and_says_there_is_no_bridging_prescription()
    {
        var page = RenderedNotices.Page(RenderedNotices.UnplannedAlert);

        Assert.Contains("<h1>Unplanned release alert</h1>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Alert</dt><dd>Unplanned release on OST without a bridging prescription</dd>", page, StringComparison.Ordinal);
        Assert.Contains("no bridging prescription", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_response_page_says_who_answered_which_message_how_and_why()
    {
        var page = RenderedNotices.Page(RenderedNotices.Response);

        Assert.Contains("<dt>Outcome</dt><dd>Rejected</dd>", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"<dt>Answered by</dt><dd>{RenderedNotices.ClinicianName}</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Role</dt><dd>Prescriber</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Professional id</dt><dd>GMC 1234567</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Organisation</dt><dd>LEI</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>To</dt><dd>HLI</dd>", page, StringComparison.Ordinal);
        Assert.Contains($"<dt>Message answered</dt><dd>{RenderedNotices.MessageId}</dd>", page, StringComparison.Ordinal);
        Assert.Contains($"<dt>Submission</dt><dd>{RenderedNotices.SubmissionId}</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>When</dt><dd>Thursday 12 March 2026 at 12:00pm</dd>", page, StringComparison.Ordinal);
        Assert.Contains($"<dt>Reason</dt><dd>{RenderedNotices.Reason}</dd>", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Note</dt><dd>Please call the healthcare unit</dd>", page, StringComparison.Ordinal);
        Assert.Contains("Pregabalin 300 mg: needs a specialist review", page, StringComparison.Ordinal);

        // The section's narrative, through the sanitiser, says it all again in a sentence.
        Assert.Contains("rejected the transfer message msg-7f3a", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"flags\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_reason_is_written_as_text_never_as_markup()
    {
        var page = DocumentPage.Render(RenderedNotices.ResponseTo("<img src=x onerror=alert(1)><script>alert(2)</script>"));

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Notices))]
    public void The_person_pack_refuses_a_notice_naming_why(string notice)
    {
        var refusal = Assert.Throws<UnmapException>(() => ReleasePack.Render(RenderedNotices.Document(notice)));

        Assert.Contains($"a {notice} is a notice between the services", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("--for clinician", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_response_without_its_Task_is_refused_naming_what_is_missing()
    {
        var document = RenderedNotices.Document(RenderedNotices.Response);
        document.Entry.RemoveAll(e => e.Resource is Hl7.Fhir.Model.Task);

        Assert.Equal("Task", Assert.Throws<UnmapException>(() => DocumentPage.Render(document)).Path);
    }
}
