using System.Collections.Frozen;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;

namespace ExchangeGateway.Fhir;

/// <summary>
/// The R4 core definitions from specification.zip (package Hl7.Fhir.Specification.Data.R4), read straight from the zip.
/// </summary>
/// <remarks>
/// Firely's ZipSource unpacks the zip (60 MB) into a folder and then reads each definition by walking its bundle file
/// from the start: one validation touches about a hundred definitions in a 20 MB file, which took seconds. This reads
/// the few bundles the validator needs once, indexes each entry's XML by canonical URL, and parses an entry when it
/// is first asked for; nothing is written to disk, so parallel processes share nothing.
/// </remarks>
internal sealed partial class CoreSpecification : IResourceResolver
{
    /// <summary>Where the package puts the zip: beside the program.</summary>
    public static readonly string ZipPath = Path.Combine(AppContext.BaseDirectory, "specification.zip");

    // The StructureDefinitions of types, resources and core extensions, and the ValueSets and CodeSystems they bind to.
    private static readonly string[] Bundles =
        ["profiles-types.xml", "profiles-resources.xml", "extension-definitions.xml", "valuesets.xml", "v3-codesystems.xml", "v2-tables.xml"];

    // The published definitions break a few of the parser's checks (whitespace around values); they are read as they are.
    private static readonly FhirXmlDeserializer Deserializer = new(new DeserializerSettings().UsingMode(DeserializationMode.Ostrich));

    private const string ResourceOpen = "<resource>";
    private const string ResourceClose = "</resource>";

    private readonly FrozenDictionary<string, Entry> entriesByUrl;

    private CoreSpecification(FrozenDictionary<string, Entry> entriesByUrl) => this.entriesByUrl = entriesByUrl;

    /// <summary>Indexes the definitions of the zip at <paramref name="zipPath"/>.</summary>
    public static CoreSpecification Read(string zipPath)
    {
        if (!File.Exists(zipPath))
        {
            throw new InvalidOperationException($"{zipPath} is missing: the package Hl7.Fhir.Specification.Data.R4 puts it beside the program");
        }

        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        using var zip = ZipFile.OpenRead(zipPath);
        foreach (var name in Bundles)
        {
            var file = zip.GetEntry(name) ?? throw new InvalidOperationException($"{zipPath} holds no {name}");
            string text;
            using (var reader = new StreamReader(file.Open(), Encoding.UTF8))
            {
                text = reader.ReadToEnd();
            }

            // The bundles are plain, regular XML written by the FHIR build: each entry's resource sits alone between
            // <resource> and </resource>, so finding them as text is enough, and far quicker than an XML reader.
            for (var start = text.IndexOf(ResourceOpen, StringComparison.Ordinal); start >= 0; start = text.IndexOf(ResourceOpen, start, StringComparison.Ordinal))
            {
                start += ResourceOpen.Length;
                var end = text.IndexOf(ResourceClose, start, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                var url = CanonicalUrl().Match(text, start, end - start);
                if (url.Success)
                {
                    entries.TryAdd(url.Groups[1].Value, new Entry(text, start, end - start));
                }

                start = end;
            }
        }

        return new CoreSpecification(entries.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <inheritdoc />
    public Resource? ResolveByUri(string uri) => ResolveByCanonicalUri(uri);

    /// <inheritdoc />
    public Resource? ResolveByCanonicalUri(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var bar = uri.IndexOf('|', StringComparison.Ordinal);
        return entriesByUrl.TryGetValue(bar < 0 ? uri : uri[..bar], out var entry)
            ? Deserializer.DeserializeResource(entry.Xml())
            : null;
    }

    // Where one resource's XML is in its bundle's text; the namespace is declared on the bundle, so it is added here.
    private readonly record struct Entry(string Text, int Start, int Length)
    {
        public string Xml()
        {
            var xml = Text.AsSpan(Start, Length).Trim();
            var nameEnd = xml.IndexOfAny(' ', '>');
            return string.Concat(xml[..nameEnd], " xmlns=\"http://hl7.org/fhir\"", xml[nameEnd..]);
        }
    }

    // A resource's canonical URL is its first url element (extensions carry theirs as an attribute, so never match).
    [GeneratedRegex("""<url value="([^"]+)"\s*/>""")]
    private static partial Regex CanonicalUrl();
}
