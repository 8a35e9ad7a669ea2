using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

/// <summary>The Provenance every document ends with: its Composition, when it was recorded, and the Organization that wrote it.</summary>
internal static class DocumentProvenance
{
    /// <summary>A Provenance of the Composition at <paramref name="compositionUrl"/>, recorded at <paramref name="recorded"/> (kept as written) by <paramref name="authorUrl"/>.</summary>
    public static Provenance AuthoredBy(string compositionUrl, string recorded, string authorUrl) => new()
    {
        Target = [new ResourceReference(compositionUrl)],
        RecordedElement = new Instant { JsonValue = recorded },
        Agent =
        [
            new Provenance.AgentComponent
            {
                Type = new CodeableConcept(External.ProvenanceParticipantType, "author", "Author"),
                Who = new ResourceReference(authorUrl),
            },
        ],
    };
}
