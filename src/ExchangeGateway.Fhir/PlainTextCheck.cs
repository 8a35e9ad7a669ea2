using ExchangeGateway.Domain;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir;

/// <summary>
/// The one document rule a profile cannot say: names, identifiers and codes are text a person reads as it is (no
/// control characters, bidirectional controls, noncharacters, or nothing visible), by the intake's <see cref="TextRules"/>.
/// </summary>
internal static class PlainTextCheck
{
    /// <summary>Every name, identifier or code of the bundle whose text breaks <see cref="TextRules"/>, as errors.</summary>
    public static IEnumerable<DocumentIssue> Issues(Bundle bundle) => Walk(bundle, "Bundle", "Bundle");

    // location is the FHIRPath to the element in the bundle; elementPath is its path within its resource type
    // ("Patient.name.family"), which says what the element is.
    private static IEnumerable<DocumentIssue> Walk(Base value, string location, string elementPath)
    {
        if (value is PrimitiveType { JsonValue: string text })
        {
            if (TextRules.Check(text, KindOfText(elementPath)) is { } reason)
            {
                yield return new DocumentIssue(OperationOutcome.IssueSeverity.Error, location, $"{elementPath} {reason}");
            }
        }

        // A primitive's own value is not a Base (so it is skipped below); its extensions are walked like any element.

        foreach (var (name, child) in value.EnumerateElements())
        {
            var children = child switch
            {
                Base one => [one],
                IEnumerable<Base> many => many.ToList(),
                _ => [],
            };
            for (var i = 0; i < children.Count; i++)
            {
                var item = children[i];
                var itemLocation = $"{location}.{name}[{i}]";
                var itemPath = item is Resource resource ? resource.TypeName : $"{elementPath}.{name}";
                foreach (var issue in Walk(item, itemLocation, itemPath))
                {
                    yield return issue;
                }
            }
        }
    }

    // The elements that hold a name, an identifier, a code or an address part: one line with nothing that changes how
    // they read. Anything else (notes, narrative, titles) may be free text.
    private static readonly string[] LineElements =
    [
        ".family", ".given", ".prefix", ".suffix", ".name.text", "identifier.value", ".code", ".system", ".id",
        "Organization.name", "Location.name", ".address.line", ".address.city", ".address.district", ".address.postalCode",
        "Address.line", "Address.city", "Address.postalCode",
    ];

    private static TextKind KindOfText(string elementPath) =>
        LineElements.Any(suffix => elementPath.EndsWith(suffix, StringComparison.Ordinal)) ? TextKind.Line : TextKind.FreeText;
}
