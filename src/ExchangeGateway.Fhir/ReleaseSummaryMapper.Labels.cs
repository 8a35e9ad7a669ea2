using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// The labels a document carries: HL7 security labels on the Bundle and its resources, and the display of each
// Observation category the mapping uses.
public sealed partial class ReleaseSummaryMapper
{
    /// <summary>
    /// Every document's security labels: restricted (R), substance abuse information (ETH), and no redisclosure without a
    /// consent directive (NORDSCLCD), since the whole document is about drug treatment and is shared on the person's consent.
    /// </summary>
    public static IReadOnlyList<Coding> DocumentSecurityCodes { get; } =
    [
        new(External.Confidentiality, "R", "restricted"),
        new(External.ActCode, "ETH", "substance abuse information sensitivity"),
        new(External.ActCode, "NORDSCLCD", "no redisclosure without consent directive"),
    ];

    /// <summary>The Composition's confidentiality: restricted, as in <see cref="DocumentSecurityCodes"/>.</summary>
    internal const Composition.V3ConfidentialityClassification DocumentConfidentiality = Composition.V3ConfidentialityClassification.R;

    /// <summary>A fresh Meta holding <see cref="DocumentSecurityCodes"/> (fresh, so one document never shares elements with another).</summary>
    internal static Meta DocumentSecurityLabels() =>
        new() { Security = DocumentSecurityCodes.Select(c => new Coding(c.System, c.Code, c.Display)).ToList() };

    private sealed partial class Build
    {
        // What a minimised copy left out of one resource (REDACTED, ABSTRED), beside the document's own labels.
        private static Meta SecurityLabel(string code, string display) =>
            new() { Security = [new Coding(External.SecurityObservationValue, code, display)] };

        private static string CategoryDisplay(string category) => category switch
        {
            "social-history" => "Social History",
            "laboratory" => "Laboratory",
            "survey" => "Survey",
            "therapy" => "Therapy",
            _ => throw new ArgumentOutOfRangeException(nameof(category), category, "not a category the mapping uses"),
        };
    }
}
