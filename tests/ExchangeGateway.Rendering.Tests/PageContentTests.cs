using System.Text;
using System.Text.RegularExpressions;
using ExchangeGateway.Domain;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering.Tests;

public partial class PageContentTests
{
    public static TheoryData<string> ExampleNames => [.. Examples.All];

    public static TheoryData<string, string> ExampleAndAudience => RenderedExamples.EachExampleAndAudience();

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void The_clinician_page_shows_the_person_the_event_every_flag_and_every_section_title(string example)
    {
        var submission = RenderedExamples.Read(example);
        var document = RenderedExamples.Document(submission);
        var page = DocumentPage.Render(document);

        Assert.Contains($"{submission.Dir!.Client.Forenames} {submission.Dir!.Client.Surname}", page, StringComparison.Ordinal);
        Assert.Contains(submission.Event.From, page, StringComparison.Ordinal);
        Assert.Contains("id=\"flags\"", page, StringComparison.Ordinal);
        foreach (var flag in document.Entry.Select(e => e.Resource).OfType<Flag>())
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(flag.Code.Text)!, page, StringComparison.Ordinal);
        }

        var composition = (Composition)document.Entry[0].Resource!;
        Assert.NotEmpty(composition.Section);
        foreach (var section in composition.Section)
        {
            Assert.Contains($"<h2>{System.Net.WebUtility.HtmlEncode(section.Title)!}</h2>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_release_page_puts_the_flags_box_before_the_first_section()
    {
        var page = RenderedExamples.Page(Examples.ReleaseOst, "clinician");
        var flags = page.IndexOf("id=\"flags\"", StringComparison.Ordinal);
        Assert.InRange(flags, 0, page.IndexOf("<h2>Custody and release</h2>", StringComparison.Ordinal));
        Assert.Contains("Release is on a Friday", page, StringComparison.Ordinal);
    }

    [Fact]
    public void The_person_pack_gives_the_appointment_the_bridging_prescription_the_pharmacy_naloxone_and_who_to_call()
    {
        var pack = RenderedExamples.Page(Examples.ReleaseOst, "person");

        Assert.Contains("Jordan Lee Example", pack, StringComparison.Ordinal);
        Assert.Contains("Friday 13 March 2026 at 2:00pm", pack, StringComparison.Ordinal);
        Assert.Contains("Methadone liquid", pack, StringComparison.Ordinal);
        Assert.Contains("60 mg", pack, StringComparison.Ordinal);
        Assert.Contains("3 days", pack, StringComparison.Ordinal);
        Assert.Contains("FQ123", pack, StringComparison.Ordinal);
        Assert.Contains("naloxone nasal spray", pack, StringComparison.Ordinal);
        Assert.Contains("999", pack, StringComparison.Ordinal);
        Assert.Contains("CJIT-LEEDS", pack, StringComparison.Ordinal);
        Assert.Contains("CTP-FWDLEEDS", pack, StringComparison.Ordinal);
        Assert.Contains("B86030", pack, StringComparison.Ordinal);
    }

    [Fact]
    public void The_person_pack_names_agencies_as_the_directory_does()
    {
        var directory = new AgencyDirectory([new Agency("CJIT-LEEDS", AgencyTypes.Cjit, "Leeds CJIT")]);
        var pack = ReleasePack.Render(RenderedExamples.Read(Examples.ReleaseOst), directory);
        Assert.Contains("Leeds CJIT (CJIT-LEEDS)", pack, StringComparison.Ordinal);
    }

    // Wording from the richest record that belongs to clinicians or other agencies, never to the person's pack.
    private static readonly string[] ClinicalWording =
    [
        "risk", "overdose", "tolerance", "hepatitis", "hiv", "blood-borne", "bbv", "positive", "vaccinated", "offence", "acquisitive",
        "keyworker", "psychosocial", "self-harm", "mental health", "heroin", "crack", "injected", "benzodiazepine", "recall",
        "sentenced", "caldicott", "vital", "okafor", "patel", "mensah", "carat", "pregabalin", "diazepam", "flag",
        "Engaged well with psychosocial group", "Immediate overdose risk on release",
    ];

    [Fact]
    public void The_person_pack_of_the_richest_record_holds_no_risk_bbv_offence_or_keyworker_wording()
    {
        var pack = RenderedExamples.Page(RenderedExamples.Read(Encoding.UTF8.GetBytes(Examples.Everything().ToJsonString())), "person");
        var text = VisibleText(pack);

        foreach (var wording in ClinicalWording)
        {
            Assert.DoesNotContain(wording, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void The_person_pack_shows_the_interpreter_language_when_an_interpreter_is_needed()
    {
        var pack = RenderedExamples.Page(RenderedExamples.Read(Encoding.UTF8.GetBytes(Examples.Everything().ToJsonString())), "person");
        Assert.Contains("You asked for an interpreter: Polish", pack, StringComparison.Ordinal);

        Assert.DoesNotContain("You asked for an interpreter", RenderedExamples.Page(Examples.ReleaseOst, "person"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ExampleAndAudience))]
    public void No_page_has_a_script_or_refers_to_anything_outside_itself(string example, string audience)
    {
        var page = RenderedExamples.Page(example, audience);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), page);
        Assert.DoesNotMatch(EventHandler(), page);
        Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
        Assert.Contains("@media print", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clinician")]
    [InlineData("person")]
    public void Values_from_the_record_are_written_as_text_never_as_markup(string audience)
    {
        var submission = RenderedExamples.Read(Examples.ReleaseOst);
        var hostile = submission with
        {
            Dir = submission.Dir! with { Client = submission.Dir!.Client with { Forenames = "<img src=x onerror=alert(1)>", Surname = "\"><script>alert(2)</script>" } },
        };

        var page = RenderedExamples.Page(hostile, audience);

        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page, StringComparison.Ordinal);
    }

    private static string VisibleText(string html) => Markup().Replace(html[html.IndexOf("<body>", StringComparison.Ordinal)..], " ");

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Markup();

    [GeneratedRegex("""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//|javascript:)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""\son[a-z]+\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandler();
}
