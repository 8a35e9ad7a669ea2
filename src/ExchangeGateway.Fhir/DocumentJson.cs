using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>
/// A document as the gateway seals it: compact UTF-8 JSON written straight to bytes. Pretty JSON (what <c>exg map</c>
/// prints) is a third larger and passes through a string first; the reader of a package parses it either way.
/// </summary>
public static class DocumentJson
{
    // As the pretty form escapes: names with accents and the narrative's markup stay as they are, not \uXXXX. The JSON
    // travels inside a sealed package and is parsed, never pasted into HTML or script, so HTML-safe escaping buys nothing.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The resource as compact UTF-8 JSON; the same resource always gives the same bytes.</summary>
    public static byte[] Utf8(Base resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var buffer = new ArrayBufferWriter<byte>(32 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            FhirJsonSerializer.Default.Serialize(resource, writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
