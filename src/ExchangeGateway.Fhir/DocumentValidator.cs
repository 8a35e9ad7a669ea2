using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Checks a document Bundle with Firely's validator against the R4 core specification plus profiles/, and against the
/// one rule a profile cannot say (<see cref="PlainTextCheck"/>).
/// </summary>
public sealed class DocumentValidator
{
    /// <summary>The profile every document is validated against; it names the profile of each entry by resource type.</summary>
    public static readonly string DocumentProfile = FhirNames.StructureDefinition("eg-document-bundle");

    private static readonly Lazy<DocumentValidator> EmbeddedValidator = new(() => new DocumentValidator(ProfileSet.Embedded));

    private readonly Validator validator;

    // Firely's Validator and its resolvers' caches are not thread-safe; compiled schemas are worth sharing, so one
    // validator serves the process and validations take turns.
    private readonly Lock gate = new();

    private DocumentValidator(ProfileSet profiles)
    {
        var core = CoreSpecification.Read(CoreSpecification.ZipPath);
        var project = new InMemoryResourceResolver(profiles.StructureDefinitions.Cast<Resource>().Concat(profiles.CodeSystems).Concat(profiles.ValueSets));

        // The corrections fix R4 core definitions whose invariants are wrong as published (ref-1 among them, which
        // would fail a Reference that has only a display); they sit under SnapshotSource so that profiles/ snapshots
        // are generated from the corrected bases (firely-validator-api#366).
        var snapshots = new SnapshotSource(new CachedResolver(new StructureDefinitionCorrectionsResolver(new MultiResolver(project, core))));
        var resolver = new CachedResolver(snapshots);
        var settings = new ValidationSettings
        {
            // An extension in our namespace that profiles/ does not define is a mistake, not someone else's extension.
            FollowExtensionUrl = (_, url) => url?.ToString().StartsWith(FhirNames.Base + "/", StringComparison.Ordinal) == true
                ? ExtensionUrlHandling.ErrorIfMissing
                : ExtensionUrlHandling.WarnIfMissing,
        };
        validator = new Validator(resolver, new LocalTerminologyService(resolver), null, settings);
    }

    /// <summary>The validator over the profiles embedded in this assembly; built once per process, on first use.</summary>
    public static DocumentValidator Embedded => EmbeddedValidator.Value;

    /// <summary>Parses FHIR JSON and validates it; text that is not an R4 Bundle is one error at "Bundle", never an exception.</summary>
    public IReadOnlyList<DocumentIssue> ValidateJson(string bundleJson)
    {
        ArgumentNullException.ThrowIfNull(bundleJson);
        Resource resource;
        try
        {
            resource = FhirDocumentJson.Deserialize(bundleJson);
        }
        catch (Exception ex) when (ex is DeserializationFailedException or System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return [new DocumentIssue(OperationOutcome.IssueSeverity.Error, "Bundle", $"not a readable FHIR R4 resource: {ex.Message}")];
        }

        return resource is Bundle bundle
            ? Validate(bundle)
            : [new DocumentIssue(OperationOutcome.IssueSeverity.Error, "Bundle", $"the resource is a {resource.TypeName}, not a Bundle")];
    }

    /// <summary>Every issue Firely's validator and the plain-text rule find, errors first; the document conforms when none is an error.</summary>
    public IReadOnlyList<DocumentIssue> Validate(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        OperationOutcome outcome;
        lock (gate)
        {
            outcome = validator.Validate(bundle, DocumentProfile);
        }

        return outcome.Issue
            .Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information)
            .Select(i => new DocumentIssue(
                i.Severity ?? OperationOutcome.IssueSeverity.Error,
                i.Expression.FirstOrDefault() ?? i.Location.FirstOrDefault() ?? "Bundle",
                i.Details?.Text ?? i.Diagnostics ?? i.Code?.ToString() ?? "(no message)"))
            .Concat(PlainTextCheck.Issues(bundle))
            .Distinct()
            .OrderBy(i => i.IsError ? 0 : 1)
            .ToList();
    }
}
