using System.Collections.Frozen;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
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
/// the few bundles the validator needs once, keeps each entry's XML by canonical URL, and parses an entry when it is
/// first asked for; nothing is written to disk, so parallel processes share nothing.
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

    private readonly FrozenDictionary<string, byte[]> entriesByUrl;

    private CoreSpecification(FrozenDictionary<string, byte[]> entriesByUrl) => this.entriesByUrl = entriesByUrl;

    /// <summary>Indexes the definitions of the zip at <paramref name="zipPath"/>.</summary>
    public static CoreSpecification Read(string zipPath)
    {
        if (!File.Exists(zipPath))
        {
            throw new InvalidOperationException($"{zipPath} is missing: the package Hl7.Fhir.Specification.Data.R4 puts it beside the program");
        }

        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var zip = ZipFile.OpenRead(zipPath);
        foreach (var name in Bundles)
        {
            var file = zip.GetEntry(name) ?? throw new InvalidOperationException($"{zipPath} holds no {name}");
            using var stream = file.Open();
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { IgnoreComments = true, IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit });
            while (reader.ReadToFollowing("resource", "http://hl7.org/fhir"))
            {
                // Step from <resource> onto the resource itself (whitespace is ignored, so it is the next node).
                if (!reader.Read() || reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                var xml = reader.ReadOuterXml();
                if (CanonicalUrl().Match(xml) is { Success: true } url)
                {
                    entries.TryAdd(url.Groups[1].Value, Encoding.UTF8.GetBytes(xml));
                }
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
        return entriesByUrl.TryGetValue(bar < 0 ? uri : uri[..bar], out var xml)
            ? Deserializer.DeserializeResource(Encoding.UTF8.GetString(xml))
            : null;
    }

    // A resource's canonical URL is its first url element (extensions carry theirs as an attribute, so never match).
    [GeneratedRegex("""<url value="([^"]+)"\s*/>""")]
    private static partial Regex CanonicalUrl();
}
