namespace ExchangeGateway.Rendering.Tests;

public class NarrativeSanitiserTests
{
    private const string Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">{0}</div>";

    private static string? Sanitise(string inner) => NarrativeSanitiser.ToSafeHtml(string.Format(System.Globalization.CultureInfo.InvariantCulture, Div, inner));

    [Fact]
    public void A_narrative_keeps_its_headings_tables_lists_and_local_links()
    {
        var html = Sanitise("<h3>Risks</h3><table><tbody><tr><th scope=\"row\">Overdose</th><td colspan=\"2\">High</td></tr></tbody></table><ul><li><a href=\"#top\">up</a></li></ul><br/>");
        Assert.Equal("<div><h3>Risks</h3><table><tbody><tr><th scope=\"row\">Overdose</th><td colspan=\"2\">High</td></tr></tbody></table><ul><li><a href=\"#top\">up</a></li></ul><br></div>", html);
    }

    [Fact]
    public void A_narrative_loses_its_scripts_event_handlers_and_external_references()
    {
        var html = Sanitise(
            "<p onclick=\"steal()\">text</p><script>alert(1)</script><a href=\"https://evil.example/\">link</a>"
            + "<img src=\"http://evil.example/x.png\" alt=\"x\"/><img src=\"javascript:alert(1)\"/><span style=\"background:url(http://evil.example)\">s</span>"
            + "<iframe src=\"https://evil.example\">frame</iframe><form action=\"https://evil.example\"><input/></form><style>p{}</style>");

        Assert.Equal("<div><p>text</p><a>link</a><img alt=\"x\"><img><span>s</span></div>", html);
    }

    [Fact]
    public void An_element_narrative_does_not_allow_is_dropped_but_its_text_is_kept_as_text()
    {
        Assert.Equal("<div>a &lt;b&gt; &amp; c</div>", Sanitise("<blink>a &lt;b&gt; &amp; c</blink>"));
    }

    [Fact]
    public void A_narrative_that_is_not_well_formed_xhtml_is_not_shown()
    {
        Assert.Null(NarrativeSanitiser.ToSafeHtml("<div><p>unclosed</div>"));
        Assert.Null(NarrativeSanitiser.ToSafeHtml("<!DOCTYPE div [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><div>&x;</div>"));
    }

    [Fact]
    public void A_narrative_image_may_only_be_inline_data()
    {
        Assert.Equal("<div><img src=\"data:image/png;base64,AAAA\"></div>", Sanitise("<img src=\"data:image/png;base64,AAAA\"/>"));
    }
}
