using System.Reflection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>The profiles/ package: StructureDefinitions, CodeSystems, ValueSets and ConceptMaps, with simple ValueSet expansion.</summary>
public sealed class ProfileSet
{
    private const string ResourcePrefix = "profiles/";

    private static readonly Lazy<ProfileSet> EmbeddedSet = new(LoadEmbedded);

    private readonly Dictionary<string, StructureDefinition> structureDefinitionsByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructureDefinition> profilesByType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CodeSystem> codeSystemsByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueSet> valueSetsByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConceptMap> conceptMapsByUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<Coding>> expansions = new(StringComparer.Ordinal);

    // Every concept of every CodeSystem by code (the first in document order wins, as a search in order would find it):
    // displays are looked up for every coded element of every document mapped.
    private readonly Dictionary<(string Url, string Code), CodeSystem.ConceptDefinitionComponent> concepts = [];

    private ProfileSet(IEnumerable<(string Name, string Json)> files)
    {
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings());
        foreach (var (name, json) in files)
        {
            Resource resource;
            try
            {
                resource = deserializer.Deserialize<Resource>(json);
            }
            catch (Exception ex) when (ex is DeserializationFailedException or System.Text.Json.JsonException or FormatException)
            {
                throw new InvalidOperationException($"profiles/{name} is not a readable FHIR R4 resource: {ex.Message}", ex);
            }

            Add(name, resource);
        }

        foreach (var codeSystem in codeSystemsByUrl.Values)
        {
            foreach (var concept in Flatten(codeSystem.Concept).Where(c => c.Code is not null))
            {
                concepts.TryAdd((codeSystem.Url!, concept.Code!), concept);
            }
        }

        foreach (var valueSet in valueSetsByUrl.Values)
        {
            expansions[valueSet.Url!] = ExpandCompose(valueSet);
        }
    }

    /// <summary>The package embedded in this assembly (profiles/ at build time); loaded once.</summary>
    public static ProfileSet Embedded => EmbeddedSet.Value;

    /// <summary>Every StructureDefinition: resource profiles and extensions.</summary>
    public IReadOnlyCollection<StructureDefinition> StructureDefinitions => structureDefinitionsByUrl.Values;

    /// <summary>Every CodeSystem.</summary>
    public IReadOnlyCollection<CodeSystem> CodeSystems => codeSystemsByUrl.Values;

    /// <summary>Every ValueSet.</summary>
    public IReadOnlyCollection<ValueSet> ValueSets => valueSetsByUrl.Values;

    /// <summary>Every ConceptMap: the project's codes to national ones (see NationalCodes).</summary>
    public IReadOnlyCollection<ConceptMap> ConceptMaps => conceptMapsByUrl.Values;

    /// <summary>Loads the package from the *.json files of a directory (e.g. the repository's profiles/).</summary>
    public static ProfileSet FromDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"profiles directory {directory} does not exist");
        }

        var files = Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => (Path.GetRelativePath(directory, path), File.ReadAllText(path)))
            .ToList();
        return new ProfileSet(files);
    }

    /// <summary>The resource profile (derivation constraint, kind resource) for a resource type, or null when there is none.</summary>
    public StructureDefinition? ProfileFor(string resourceType) => profilesByType.GetValueOrDefault(resourceType);

    /// <summary>A StructureDefinition by canonical URL, or null.</summary>
    public StructureDefinition? StructureDefinitionByUrl(string url) => structureDefinitionsByUrl.GetValueOrDefault(url);

    /// <summary>A CodeSystem by canonical URL, or null.</summary>
    public CodeSystem? CodeSystemByUrl(string url) => codeSystemsByUrl.GetValueOrDefault(url);

    /// <summary>A ValueSet by canonical URL, or null.</summary>
    public ValueSet? ValueSetByUrl(string url) => valueSetsByUrl.GetValueOrDefault(url);

    /// <summary>The codes of a ValueSet (system, code, display); throws when the ValueSet is not in the package.</summary>
    public IReadOnlyList<Coding> Expand(string valueSetUrl) => expansions.TryGetValue(valueSetUrl, out var codes)
        ? codes
        : throw new InvalidOperationException($"ValueSet {valueSetUrl} is not defined in profiles/");

    /// <summary>True when the project's CodeSystem of that name (see FhirNames.Cs) holds the code.</summary>
    public bool HasCode(string codeSystemName, string code) => FindConcept(NamedCodeSystem(codeSystemName), code) is not null;

    /// <summary>The display text of a code of the project's CodeSystem of that name; throws when the code is not there.</summary>
    public string Display(string codeSystemName, string code)
    {
        var codeSystem = NamedCodeSystem(codeSystemName);
        var concept = FindConcept(codeSystem, code)
            ?? throw new InvalidOperationException($"code '{code}' is not in CodeSystem {codeSystem.Url} (profiles/CodeSystem-{codeSystemName}.json)");
        return concept.Display
            ?? throw new InvalidOperationException($"code '{code}' of CodeSystem {codeSystem.Url} has no display in profiles/");
    }

    private static ProfileSet LoadEmbedded()
    {
        var assembly = typeof(ProfileSet).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..], ReadResource(assembly, n)))
            .ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException("no profiles/*.json are embedded in ExchangeGateway.Fhir");
        }

        return new ProfileSet(files);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} cannot be read");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private CodeSystem.ConceptDefinitionComponent? FindConcept(CodeSystem codeSystem, string code) =>
        codeSystem.Url is { } url && concepts.TryGetValue((url, code), out var concept) ? concept : null;

    private static IEnumerable<CodeSystem.ConceptDefinitionComponent> Flatten(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts) =>
        concepts.SelectMany(c => Flatten(c.Concept).Prepend(c));

    private CodeSystem NamedCodeSystem(string codeSystemName) =>
        CodeSystemByUrl(FhirNames.CodeSystem(codeSystemName))
        ?? throw new InvalidOperationException($"CodeSystem '{codeSystemName}' ({FhirNames.CodeSystem(codeSystemName)}) is not defined in profiles/");

    private void Add(string name, Resource resource)
    {
        switch (resource)
        {
            case StructureDefinition sd:
                AddUnique(structureDefinitionsByUrl, name, sd.Url, sd);
                if (sd.Kind == StructureDefinition.StructureDefinitionKind.Resource && sd.Derivation == StructureDefinition.TypeDerivationRule.Constraint)
                {
                    // The validator picks a resource's profile by its type, so two for one type would be ambiguous.
                    AddUnique(profilesByType, name, sd.Type, sd);
                }

                break;
            case CodeSystem codeSystem:
                AddUnique(codeSystemsByUrl, name, codeSystem.Url, codeSystem);
                break;
            case ValueSet valueSet:
                AddUnique(valueSetsByUrl, name, valueSet.Url, valueSet);
                break;
            case ConceptMap conceptMap:
                AddUnique(conceptMapsByUrl, name, conceptMap.Url, conceptMap);
                break;
            default:
                throw new InvalidOperationException($"profiles/{name} holds a {resource.TypeName}; only StructureDefinition, CodeSystem, ValueSet and ConceptMap belong there");
        }
    }

    private static void AddUnique<T>(Dictionary<string, T> map, string name, string? key, T value)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException($"profiles/{name} has no url (or type)");
        }

        if (!map.TryAdd(key, value))
        {
            throw new InvalidOperationException($"profiles/{name} defines {key} a second time");
        }
    }

    private List<Coding> ExpandCompose(ValueSet valueSet)
    {
        var codes = new List<Coding>();
        foreach (var include in valueSet.Compose?.Include ?? [])
        {
            if (include.Filter.Count > 0 || include.ValueSet.Any())
            {
                throw new InvalidOperationException($"ValueSet {valueSet.Url} uses filters or imports, which this package does not expand");
            }

            if (include.Concept.Count > 0)
            {
                var codeSystem = include.System is null ? null : CodeSystemByUrl(include.System);
                codes.AddRange(include.Concept.Select(c => new Coding(include.System, c.Code, c.Display ?? (codeSystem is null || c.Code is null ? null : FindConcept(codeSystem, c.Code)?.Display))));
                continue;
            }

            var whole = include.System is null ? null : CodeSystemByUrl(include.System);
            if (whole is null)
            {
                throw new InvalidOperationException($"ValueSet {valueSet.Url} includes CodeSystem {include.System}, which is not defined in profiles/");
            }

            codes.AddRange(Flatten(whole.Concept).Select(c => new Coding(whole.Url, c.Code, c.Display)));
        }

        var excluded = (valueSet.Compose?.Exclude ?? []).SelectMany(e => e.Concept.Select(c => (e.System, c.Code))).ToHashSet();
        return codes.Where(c => !excluded.Contains((c.System, c.Code))).ToList();
    }
}
