using System.Text;
using System.Xml.Linq;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class DocumentNarrativeTests
{
    private const string Everything = ExampleCopies.Everything;

    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";

    public static TheoryData<string, string> ExamplesAndRecipients => ExampleCopies.ExamplesAndRecipients;

    private static readonly string[] RecipientTypes = ExampleCopies.RecipientTypes;

    private static Submission Read(string example) => ExampleCopies.Read(example);

    private static Bundle Copy(string example, string recipientType)
    {
        var whole = Read(example);
        return Mapper.Map(RecordMinimiser.For(whole, recipientType), SafetyFlags.Raise(whole));
    }

    private static Composition CompositionOf(Bundle bundle) => Assert.IsType<Composition>(bundle.Entry[0].Resource);

    private static IEnumerable<Narrative?> Narratives(Bundle bundle)
    {
        var composition = CompositionOf(bundle);
        return composition.Section.Select(s => s.Text).Prepend(composition.Text);
    }

    private static string Div(Narrative? narrative) => Assert.IsType<string>(narrative?.Div);

    // Everything a reader of the copy sees in its narrative, as text.
    private static string NarrativeText(Bundle bundle) =>
        string.Join("\n", Narratives(bundle).Select(n => XElement.Parse(Div(n)).Value));

    [Theory]
    [MemberData(nameof(ExamplesAndRecipients))]
    public void Every_copy_has_generated_narrative_in_the_Composition_and_every_section(string example, string recipientType)
    {
        var composition = CompositionOf(Copy(example, recipientType));

        Assert.Equal(Narrative.NarrativeStatus.Generated, composition.Text?.Status);
        Assert.NotEmpty(composition.Section);
        Assert.All(composition.Section, section =>
        {
            Assert.Equal(Narrative.NarrativeStatus.Generated, section.Text?.Status);
            Assert.False(string.IsNullOrWhiteSpace(XElement.Parse(Div(section.Text)).Value), $"section {section.Code?.Coding[0].Code} has an empty narrative");
        });
    }

    [Theory]
    [MemberData(nameof(ExamplesAndRecipients))]
    public void Every_narrative_is_FHIR_xhtml_with_no_scripts_event_attributes_or_external_references(string example, string recipientType)
    {
        foreach (var narrative in Narratives(Copy(example, recipientType)))
        {
            Assert.True(XHtml.IsValidNarrativeXhtml(Div(narrative), out var malformed, out var issues), malformed ?? string.Join("; ", issues));

            var div = XElement.Parse(Div(narrative));
            Assert.Equal(Xhtml + "div", div.Name);
            Assert.All(div.DescendantsAndSelf(), element => Assert.Equal(Xhtml, element.Name.Namespace));
            Assert.DoesNotContain(div.DescendantsAndSelf(), element => element.Name.LocalName is "script" or "object" or "embed" or "iframe" or "form");
            var attributes = div.DescendantsAndSelf().SelectMany(element => element.Attributes()).Where(a => !a.IsNamespaceDeclaration).ToList();
            Assert.DoesNotContain(attributes, a => a.Name.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(attributes, a => a.Name.LocalName is "src" or "href" && !a.Value.StartsWith('#'));
        }
    }

    [Fact]
    public void The_prison_narrative_shows_the_whole_record()
    {
        var text = NarrativeText(Copy(Everything, AgencyTypes.Prison));

        Assert.Contains("Hepatitis C", text, StringComparison.Ordinal);
        Assert.Contains("Engaged well with psychosocial group.", text, StringComparison.Ordinal);
        Assert.Contains("acquisitive", text, StringComparison.Ordinal);
        Assert.Contains("Dr A Patel", text, StringComparison.Ordinal);
        Assert.Contains("from pharmacy FQ123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_CJIT_narrative_never_shows_BBV_status_keyworker_notes_or_more_than_the_prescribing_summary()
    {
        var text = NarrativeText(Copy(Everything, AgencyTypes.Cjit));

        foreach (var hidden in new[]
                 {
                     "Hepatitis", "HIV", "Blood-borne", "Positive", "Vaccinated", "10 November 2025", "Engaged well", "Wants to stay on methadone",
                     "Mental health need", "FQ123", "Bridging", "Intranasal", "Dr A Patel", "Dr K Mensah", "08:05", "witnessed", "once a day",
                 })
        {
            Assert.DoesNotContain(hidden, text, StringComparison.Ordinal);
        }

        Assert.Contains("Methadone 1 mg/ml oral solution, 60 mg on 13 March 2026 (this copy gives the date only)", text, StringComparison.Ordinal);
        Assert.Contains("Overdose risk", text, StringComparison.Ordinal);
        Assert.Contains("Self-harm", text, StringComparison.Ordinal);
        Assert.Contains("acquisitive", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgencyTypes.Gp)]
    [InlineData(AgencyTypes.CommunityTreatment)]
    public void The_GP_and_provider_narratives_never_show_offence_details_or_keyworker_notes(string recipientType)
    {
        var text = NarrativeText(Copy(Everything, recipientType));

        Assert.DoesNotContain("acquisitive", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Offence", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Trigger", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Engaged well", text, StringComparison.Ordinal);
        Assert.Contains("Hepatitis C", text, StringComparison.Ordinal);
        Assert.Contains("Positive", text, StringComparison.Ordinal);
        Assert.Contains("prescribed by Dr A Patel", text, StringComparison.Ordinal);
        Assert.Contains("from pharmacy FQ123", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Composition_narrative_opens_with_the_safety_alerts_in_bold()
    {
        var div = XElement.Parse(Div(CompositionOf(Copy(Examples.ReleaseOst, AgencyTypes.Gp)).Text));

        var children = div.Elements().ToList();
        Assert.Equal(Xhtml + "h2", children[0].Name);
        Assert.Equal("Safety alerts", children[1].Element(Xhtml + "h3")?.Value);
        Assert.All(children[1].Descendants(Xhtml + "li"), li => Assert.Equal(Xhtml + "strong", Assert.Single(li.Elements()).Name));
        Assert.Contains("Release is on a Friday", children[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Composition_narrative_says_who_what_and_when_in_plain_English()
    {
        var text = XElement.Parse(Div(CompositionOf(Mapper.Map(Read(Examples.Transfer))).Text)).Value;

        Assert.Contains("Alex Sample", text, StringComparison.Ordinal);
        Assert.Contains("401 023 2137 (number present but not traced; the sender did not say)", text, StringComparison.Ordinal);
        Assert.Contains("14 February 1979", text, StringComparison.Ordinal);
        Assert.Contains("Transfer between prisons", text, StringComparison.Ordinal);
        Assert.Contains("Buprenorphine sublingual tablets, 8 mg at 06:45 UTC+00:00 on 4 February 2026 (witnessed).", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_in_a_name_is_escaped_and_never_becomes_an_element()
    {
        var submission = Read(Examples.Transfer);
        submission = submission with { Dir = submission.Dir! with { Client = submission.Dir!.Client with { Surname = "<script>alert(1)</script> & <b onclick=\"x\">" } } };

        var div = Div(CompositionOf(Mapper.Map(submission)).Text);

        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onclick=", div, StringComparison.Ordinal);
        Assert.DoesNotContain(XElement.Parse(div).Descendants(), e => e.Name.LocalName is "script" or "b");
        Assert.True(XHtml.IsValidNarrativeXhtml(div, out _, out _));
    }

    [Fact]
    public void Keyworker_notes_keep_their_line_breaks()
    {
        var submission = Read(Examples.ReleaseOst);
        submission = submission with { Dir = submission.Dir! with { KeyworkerNotes = "First line.\r\nSecond line." } };

        var section = CompositionOf(Mapper.Map(submission)).Section.Single(s => s.Code?.Coding[0].Code == "keyworker-notes");

        Assert.Equal("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>First line.<br />Second line.</p></div>", Div(section.Text));
    }

    [Fact]
    public void An_empty_prescribing_record_reads_as_nil_known()
    {
        var submission = Read(Examples.ReleaseOst) with { Prescribing = new Prescribing() };
        submission = submission with { Event = submission.Event with { Type = EventTypes.ReleaseNotice } };

        var section = CompositionOf(Mapper.Map(submission)).Section.Single(s => s.Code?.Coding[0].Code == "medications");

        Assert.Contains("Nil known", Div(section.Text), StringComparison.Ordinal);
    }

    [Fact]
    public void The_overdue_release_alert_has_narrative_with_its_alert()
    {
        var alert = new OverdueReleaseAlertMapper(ProfileSet.Embedded)
            .Map(RecordMinimiser.For(Read(Examples.ReleaseOst), AgencyTypes.Cjit), new DateOnly(2026, 3, 13), new DateTimeOffset(2026, 3, 13, 12, 0, 0, TimeSpan.Zero));
        var composition = CompositionOf(alert);

        Assert.Contains("No release has been recorded", Div(composition.Text), StringComparison.Ordinal);
        Assert.Contains("No release has been recorded", Div(Assert.Single(composition.Section).Text), StringComparison.Ordinal);
        Assert.DoesNotContain(DocumentValidator.Embedded.Validate(alert), i => i.IsError);
    }
}
