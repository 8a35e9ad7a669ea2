using System.Text;
using System.Xml;
using System.Xml.Linq;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Rendering;

/// <summary>
/// Turns a FHIR narrative (an XHTML div) into HTML that can be embedded in a page: only the elements and attributes
/// FHIR narrative allows, no script or event handler, and nothing that points outside the page.
/// </summary>
public static class NarrativeSanitiser
{
    private const string Xhtml = "http://www.w3.org/1999/xhtml";

    // A document is read from outside; a narrative nested deeper than this is not a narrative a person can read.
    private const int MaxDepth = 64;

    // FHIR R4 narrative: the XHTML basic elements, without forms, frames, objects, scripts or styles.
    private static readonly HashSet<string> Allowed =
    [
        "a", "abbr", "acronym", "b", "big", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "dfn", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "samp", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "ul", "var",
    ];

    // Elements whose content is code or an embedded document, not text: dropped with everything inside them.
    private static readonly HashSet<string> DroppedWithContent =
    [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "select",
        "textarea", "link", "meta", "base", "svg", "math", "template", "noscript", "audio", "video", "source", "head", "title",
    ];

    private static readonly HashSet<string> AllowedAttributes =
        ["class", "id", "title", "lang", "dir", "colspan", "rowspan", "scope", "headers", "abbr", "span", "alt", "width", "height", "style", "href", "src"];

    private static readonly HashSet<string> VoidElements = ["br", "hr", "img", "col"];

    private static readonly string[] ImageDataPrefixes = ["data:image/png;", "data:image/jpeg;", "data:image/gif;"];

    /// <summary>The safe HTML of a narrative div, or null when it is not well-formed XHTML.</summary>
    public static string? ToSafeHtml(string? xhtml)
    {
        if (string.IsNullOrWhiteSpace(xhtml))
        {
            return null;
        }

        XElement root;
        try
        {
            // FHIR narrative has no DTD; refusing one means no entity can expand or reach outside the document.
            using var reader = XmlReader.Create(new StringReader(xhtml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
            root = XElement.Load(reader, LoadOptions.None);
        }
        catch (XmlException)
        {
            return null;
        }

        var html = new StringBuilder();
        Write(root, html, 0);
        return html.ToString();
    }

    private static void Write(XNode node, StringBuilder html, int depth)
    {
        switch (node)
        {
            case XText text:
                html.Append(Encode(text.Value));
                break;
            case XElement element:
                WriteElement(element, html, depth);
                break;
            default:
                // Comments and processing instructions carry nothing a reader should see.
                break;
        }
    }

    private static void WriteElement(XElement element, StringBuilder html, int depth)
    {
        var name = element.Name.LocalName.ToLowerInvariant();
        var ns = element.Name.NamespaceName;
        if (depth > MaxDepth || (ns.Length > 0 && ns != Xhtml) || DroppedWithContent.Contains(name))
        {
            return;
        }

        if (!Allowed.Contains(name))
        {
            WriteChildren(element, html, depth);
            return;
        }

        html.Append('<').Append(name);
        foreach (var attribute in element.Attributes())
        {
            if (SafeAttribute(attribute) is { } safe)
            {
                html.Append(' ').Append(safe.Name).Append("=\"").Append(Encode(safe.Value)).Append('"');
            }
        }

        html.Append('>');
        if (VoidElements.Contains(name))
        {
            return;
        }

        WriteChildren(element, html, depth);
        html.Append("</").Append(name).Append('>');
    }

    private static void WriteChildren(XElement element, StringBuilder html, int depth)
    {
        foreach (var child in element.Nodes())
        {
            Write(child, html, depth + 1);
        }
    }

    private static (string Name, string Value)? SafeAttribute(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            return null;
        }

        // xml:lang is the XHTML spelling of lang.
        var name = attribute.Name == XNamespace.Xml + "lang" ? "lang" : attribute.Name.LocalName.ToLowerInvariant();
        if (attribute.Name.NamespaceName.Length > 0 && name != "lang")
        {
            return null;
        }

        var value = attribute.Value;
        return name switch
        {
            _ when !AllowedAttributes.Contains(name) => null,
            "href" => value.StartsWith('#') ? (name, value) : null,
            "src" => ImageDataPrefixes.Any(p => value.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ? (name, value) : null,
            "style" => SafeStyle(value) ? (name, value) : null,
            _ => (name, value),
        };
    }

    // Inline style may not fetch (url, @import) or run (expression, behaviours); escapes could hide either.
    private static bool SafeStyle(string style) =>
        !style.Contains("url(", StringComparison.OrdinalIgnoreCase) && !style.Contains("expression", StringComparison.OrdinalIgnoreCase)
        && !style.Contains('@') && !style.Contains('\\') && !style.Contains("behavior", StringComparison.OrdinalIgnoreCase);
}
