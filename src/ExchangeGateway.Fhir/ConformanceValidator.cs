using System.Collections.Concurrent;
using System.Globalization;
using ExchangeGateway.Domain;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.FhirPath;

namespace ExchangeGateway.Fhir;

/// <summary>One way a document falls short of the profiles: where (a FHIRPath-like location) and what, in plain English.</summary>
public sealed record ConformanceIssue(string Path, string Message);

/// <summary>Checks a document Bundle against the profiles/ package with our own code on the Firely SDK (no profile validator).</summary>
public sealed class ConformanceValidator(ProfileSet profiles)
{
    private static readonly FhirPathCompiler Compiler = new();
    private static readonly Lock CompilerLock = new();
    private static readonly ConcurrentDictionary<string, CompiledExpression> CompiledInvariants = new(StringComparer.Ordinal);

    // Quantity's specialisations satisfy a type restriction to Quantity.
    private static readonly HashSet<string> QuantityKinds = ["Quantity", "Age", "Distance", "Duration", "Count", "SimpleQuantity", "MoneyQuantity"];

    /// <summary>Compiles a profile invariant with the Firely FHIRPath engine; throws FormatException when it does not parse.</summary>
    public static CompiledExpression CompileInvariant(string expression) => CompiledInvariants.GetOrAdd(expression, e =>
    {
        // The compiler's thread safety is not documented; compiling is rare (once per expression), so serialise it.
        lock (CompilerLock)
        {
            return Compiler.Compile(e);
        }
    });

    /// <summary>Parses FHIR JSON and validates it; a text that is not an R4 Bundle is one issue at "Bundle", never an exception.</summary>
    public IReadOnlyList<ConformanceIssue> ValidateJson(string bundleJson)
    {
        ArgumentNullException.ThrowIfNull(bundleJson);
        Resource resource;
        try
        {
            resource = FhirDocumentJson.Deserializer.Deserialize<Resource>(bundleJson);
        }
        catch (Exception ex) when (ex is DeserializationFailedException or System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return [new ConformanceIssue("Bundle", $"not a readable FHIR R4 resource: {ex.Message}")];
        }

        return resource is Bundle bundle
            ? Validate(bundle)
            : [new ConformanceIssue("Bundle", $"the resource is {Article(resource.TypeName)}, not a Bundle")];
    }

    /// <summary>Every way the document falls short of the profiles; empty when it conforms.</summary>
    public IReadOnlyList<ConformanceIssue> Validate(Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return new Run(profiles, bundle).Issues();
    }

    private static string Article(string? typeName) => typeName switch
    {
        null or "" => "nothing",
        _ when "AEIOU".Contains(typeName[0], StringComparison.Ordinal) => $"an {typeName}",
        _ => $"a {typeName}",
    };

    private readonly record struct Node(Base Value, string Path);

    private sealed class Run(ProfileSet profiles, Bundle bundle)
    {
        private readonly List<ConformanceIssue> issues = [];
        private readonly Dictionary<string, Resource> byFullUrl = new(StringComparer.Ordinal);

        public IReadOnlyList<ConformanceIssue> Issues()
        {
            CheckBundleBasics();
            var root = new Node(bundle, "Bundle");
            ApplyProfileFor(root);
            for (var i = 0; i < bundle.Entry.Count; i++)
            {
                if (bundle.Entry[i].Resource is { } resource)
                {
                    ApplyProfileFor(new Node(resource, $"Bundle.entry[{i}].resource({resource.TypeName})"));
                }
            }

            Walk(root, "Bundle", bundle);
            return issues.Distinct().ToList();
        }

        private void Report(string path, string message) => issues.Add(new ConformanceIssue(path, message));

        private void CheckBundleBasics()
        {
            if (bundle.Type != Bundle.BundleType.Document)
            {
                Report("Bundle.type", $"Bundle.type must be 'document' (fixed) but is {Quote(bundle.TypeElement?.JsonValue?.ToString())}");
            }

            if (bundle.Entry.Count == 0)
            {
                Report("Bundle.entry", "Bundle.entry is required (min 1) but missing");
            }
            else if (bundle.Entry[0].Resource is not Composition)
            {
                Report("Bundle.entry[0]", $"the first entry must be a Composition but is {Article(bundle.Entry[0].Resource?.TypeName)}");
            }

            var firstEntryOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < bundle.Entry.Count; i++)
            {
                var entry = bundle.Entry[i];
                if (string.IsNullOrEmpty(entry.FullUrl))
                {
                    Report($"Bundle.entry[{i}].fullUrl", "Bundle.entry.fullUrl is required (min 1) but missing");
                }
                else if (firstEntryOf.TryGetValue(entry.FullUrl, out var first))
                {
                    Report($"Bundle.entry[{i}].fullUrl", $"fullUrl {entry.FullUrl} is not unique: entry[{first}] has it too");
                }
                else
                {
                    firstEntryOf[entry.FullUrl] = i;
                    if (entry.Resource is { } resource)
                    {
                        byFullUrl[entry.FullUrl] = resource;
                    }
                }
            }
        }

        private void ApplyProfileFor(Node resource)
        {
            var type = resource.Value.TypeName;
            if (profiles.ProfileFor(type) is { } profile)
            {
                ApplyProfile(profile, resource, "");
            }
            else
            {
                Report(resource.Path, $"there is no profile in profiles/ for resource type {type}, so it cannot be part of a document");
            }
        }

        // Applies a differential to one instance (a resource, or an extension): cardinality per parent instance,
        // fixed and pattern values, type restrictions, required bindings and error invariants.
        private void ApplyProfile(StructureDefinition profile, Node root, string label)
        {
            var elements = profile.Differential?.Element ?? [];
            var resolved = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
            foreach (var element in elements)
            {
                if (element.Path is not { } path)
                {
                    continue;
                }

                var id = element.ElementId ?? path;
                var name = ElementName(element, path);
                var nodes = Resolve(id, root, elements, resolved);
                var lastDot = id.LastIndexOf('.');
                if (lastDot >= 0)
                {
                    CheckCardinality(element, label, name, id[(lastDot + 1)..], Resolve(id[..lastDot], root, elements, resolved), elements, id[..lastDot]);
                }

                foreach (var node in nodes)
                {
                    CheckFixedAndPattern(element, label, name, node);
                    if (path.Contains('.', StringComparison.Ordinal))
                    {
                        CheckTypes(element, label, name, node);
                    }

                    CheckBinding(element, label, name, node);
                    CheckInvariants(element, label, node);
                }
            }
        }

        // Inside a slice the path alone is ambiguous, so the id (which names the slice) is shown instead.
        private static string ElementName(ElementDefinition element, string path) =>
            element.ElementId is { } id && id.Contains(':', StringComparison.Ordinal) ? id : path;

        private List<Node> Resolve(string id, Node root, List<ElementDefinition> elements, Dictionary<string, List<Node>> resolved)
        {
            if (resolved.TryGetValue(id, out var known))
            {
                return known;
            }

            var lastDot = id.LastIndexOf('.');
            var nodes = lastDot < 0
                ? [root]
                : Resolve(id[..lastDot], root, elements, resolved).SelectMany(parent => Step(parent, id[..lastDot], id[(lastDot + 1)..], elements)).ToList();
            resolved[id] = nodes;
            return nodes;
        }

        // One step of an element id: "name", "value[x]" (the FHIRPath name drops [x]) or "extension:slice" (the
        // extensions whose url is the slice's fixed url, or its name for the sub-extensions of a complex extension).
        private static IEnumerable<Node> Step(Node parent, string parentId, string segment, List<ElementDefinition> elements)
        {
            var colon = segment.IndexOf(':', StringComparison.Ordinal);
            var name = (colon < 0 ? segment : segment[..colon]).Replace("[x]", "", StringComparison.Ordinal);
            var children = Children(parent, name);
            if (colon < 0)
            {
                return children;
            }

            var slice = segment[(colon + 1)..];
            var sliceUrl = elements.FirstOrDefault(e => e.ElementId == $"{parentId}.{segment}.url")?.Fixed is FhirUri fixedUrl ? fixedUrl.Value : slice;
            return children.Where(c => c.Value is Extension extension && extension.Url == sliceUrl);
        }

        private static IEnumerable<Node> Children(Node parent, string name)
        {
            if (!parent.Value.TryGetValue(name, out var value) || value is null)
            {
                yield break;
            }

            if (value is Base single)
            {
                if (Present(single))
                {
                    yield return new Node(single, single is Resource r ? $"{parent.Path}.{name}({r.TypeName})" : $"{parent.Path}.{name}");
                }

                yield break;
            }

            if (value is IEnumerable<Base> list)
            {
                var i = 0;
                foreach (var item in list)
                {
                    if (item is not null && Present(item))
                    {
                        yield return new Node(item, item is Resource r ? $"{parent.Path}.{name}[{i}]({r.TypeName})" : $"{parent.Path}.{name}[{i}]");
                    }

                    i++;
                }
            }
        }

        // A primitive with neither a value nor an extension is not there (the serialiser would drop it).
        private static bool Present(Base value) => value is not PrimitiveType primitive || primitive.JsonValue is not null || primitive.Extension.Count > 0;

        private void CheckCardinality(ElementDefinition element, string label, string name, string segment, List<Node> parents, List<ElementDefinition> elements, string parentId)
        {
            var min = element.Min ?? 0;
            int? max = element.Max is null or "*" ? null : int.Parse(element.Max, CultureInfo.InvariantCulture);
            if (min == 0 && max is null)
            {
                return;
            }

            var childName = segment.Replace("[x]", "", StringComparison.Ordinal);
            var colon = childName.IndexOf(':', StringComparison.Ordinal);
            var pathName = colon < 0 ? childName : childName[..colon];
            foreach (var parent in parents)
            {
                var count = Step(parent, parentId, segment, elements).Count();
                var where = $"{parent.Path}.{pathName}";
                if (count < min)
                {
                    Report(where, count == 0
                        ? $"{label}{name} is required (min {min}) but missing"
                        : $"{label}{name} needs at least {min} but has {count}");
                }
                else if (max is { } most && count > most)
                {
                    Report(where, most == 0
                        ? $"{label}{name} is not allowed here (max 0) but is present"
                        : $"{label}{name} allows at most {most} but has {count}");
                }
            }
        }

        private void CheckFixedAndPattern(ElementDefinition element, string label, string name, Node node)
        {
            if (element.Fixed is { } fixedValue && !(Matches(node.Value, fixedValue) && Matches(fixedValue, node.Value)))
            {
                Report(node.Path, $"{label}{name} must be {Show(fixedValue)} (fixed) but is {Show(node.Value)}");
            }

            if (element.Pattern is { } pattern && !Matches(node.Value, pattern))
            {
                Report(node.Path, $"{label}{name} must match the pattern {Show(pattern)} but is {Show(node.Value)}");
            }
        }

        // The instance has every value the pattern has (lists: each pattern item matches some instance item).
        private static bool Matches(Base instance, Base pattern)
        {
            if (pattern is PrimitiveType patternPrimitive)
            {
                return instance is PrimitiveType primitive && string.Equals(primitive.ToString(), patternPrimitive.ToString(), StringComparison.Ordinal);
            }

            foreach (var (key, value) in pattern.EnumerateElements())
            {
                instance.TryGetValue(key, out var actual);
                var wanted = value is Base one ? [one] : (value as IEnumerable<Base>)?.ToList() ?? [];
                var have = actual is Base a ? [a] : (actual as IEnumerable<Base>)?.ToList() ?? [];
                if (!wanted.All(w => have.Any(h => Matches(h, w))))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Show(Base value) => value switch
        {
            PrimitiveType primitive => Quote(primitive.ToString()),
            Coding coding => $"{coding.System}#{coding.Code}",
            CodeableConcept concept => string.Join(", ", concept.Coding.Select(c => $"{c.System}#{c.Code}")),
            _ => value.TypeName,
        };

        private void CheckTypes(ElementDefinition element, string label, string name, Node node)
        {
            if (element.Type.Count == 0)
            {
                return;
            }

            var actual = node.Value.TypeName;
            var allowed = element.Type.Select(t => t.Code).ToList();
            if (!allowed.Contains(actual) && !(allowed.Contains("Quantity") && QuantityKinds.Contains(actual)))
            {
                Report(node.Path, $"{label}{name} must be of type {string.Join(" or ", allowed)} but is {actual}");
                return;
            }

            var targets = element.Type.SelectMany(t => t.TargetProfile).OfType<string>().ToList();
            if (node.Value is ResourceReference { Reference: { } reference } && targets.Count > 0 && byFullUrl.TryGetValue(reference, out var target))
            {
                var targetTypes = targets.Select(t => profiles.StructureDefinitionByUrl(t)?.Type ?? t[(t.LastIndexOf('/') + 1)..]).Distinct().ToList();
                if (!targetTypes.Contains(target.TypeName))
                {
                    Report(node.Path, $"{label}{name} must refer to {string.Join(" or ", targetTypes.Select(t => Article(t)))} but {reference} is {Article(target.TypeName)}");
                }
            }
        }

        private void CheckBinding(ElementDefinition element, string label, string name, Node node)
        {
            if (element.Binding is not { Strength: BindingStrength.Required, ValueSet: { } bound })
            {
                return;
            }

            var valueSetUrl = bound.Split('|')[0];
            if (profiles.ValueSetByUrl(valueSetUrl) is null)
            {
                // Only the project's own ValueSets can be expanded here; core bindings are left to the POCO types.
                return;
            }

            var expansion = profiles.Expand(valueSetUrl);
            switch (node.Value)
            {
                case CodeableConcept concept when concept.Coding.Count == 0:
                    Report(node.Path, $"{label}{name} has no code from ValueSet {valueSetUrl}, which it is bound to (required)");
                    break;
                case CodeableConcept concept:
                    for (var i = 0; i < concept.Coding.Count; i++)
                    {
                        CheckCoding(label, name, new Node(concept.Coding[i], $"{node.Path}.coding[{i}]"), valueSetUrl, expansion);
                    }

                    break;
                case Coding:
                    CheckCoding(label, name, node, valueSetUrl, expansion);
                    break;
                case PrimitiveType primitive when !expansion.Any(c => c.Code == primitive.ToString()):
                    Report(node.Path, $"{label}{name}: code {Quote(primitive.ToString())} is not in ValueSet {valueSetUrl} (required binding)");
                    break;
                default:
                    break;
            }
        }

        private void CheckCoding(string label, string name, Node node, string valueSetUrl, IReadOnlyList<Coding> expansion)
        {
            var coding = (Coding)node.Value;
            var systems = expansion.Select(c => c.System).Distinct().ToList();
            if (!systems.Contains(coding.System))
            {
                Report(node.Path, $"{label}{name}: coding system {Quote(coding.System)} is not the one ValueSet {valueSetUrl} draws on ({string.Join(", ", systems)}; required binding)");
                return;
            }

            var match = expansion.FirstOrDefault(c => c.System == coding.System && c.Code == coding.Code);
            if (match is null)
            {
                Report(node.Path, $"{label}{name}: code {Quote(coding.Code)} is not in ValueSet {valueSetUrl} (required binding)");
            }
            else if (coding.Display is { } display && match.Display is { } expected && display != expected)
            {
                Report(node.Path, $"{label}{name}: display {Quote(display)} of code {Quote(coding.Code)} is not the CodeSystem's {Quote(expected)}");
            }
        }

        private void CheckInvariants(ElementDefinition element, string label, Node node)
        {
            foreach (var constraint in element.Constraint)
            {
                if (constraint.Severity != ConstraintSeverity.Error || string.IsNullOrEmpty(constraint.Expression))
                {
                    continue;
                }

                string? failure;
                try
                {
                    var holds = CompileInvariant(constraint.Expression).IsTrue(node.Value.ToPocoNode(ModelInfo.ModelInspector), new FhirEvaluationContext());
                    failure = holds ? null : $"{label}invariant {constraint.Key} failed: {constraint.Human}";
                }
                catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
                {
                    failure = $"{label}invariant {constraint.Key} ({constraint.Expression}) could not be evaluated: {ex.Message}";
                }

                if (failure is not null)
                {
                    Report(node.Path, failure);
                }
            }
        }

        // Walks every element once: base R4 mandatory elements, reference resolution, and the project's extensions.
        private void Walk(Node node, string elementPath, Resource resource)
        {
            var value = node.Value;
            if (value is not PrimitiveType)
            {
                CheckMandatory(node, elementPath);
            }
            else if (value is PrimitiveType { JsonValue: string text } && TextRules.Check(text, KindOfText(elementPath)) is { } reason)
            {
                Report(node.Path, $"{elementPath} {reason}");
            }

            if (value is ResourceReference { Reference: { Length: > 0 } reference })
            {
                CheckReference(node, reference, resource);
            }

            foreach (var (name, _) in value.EnumerateElements())
            {
                var children = Children(node, name).ToList();
                if (name is "extension" or "modifierExtension")
                {
                    CheckExtensions(children, elementPath, value);
                }

                foreach (var child in children)
                {
                    Walk(child, child.Value is Resource r ? r.TypeName : $"{elementPath}.{name}", child.Value as Resource ?? resource);
                }
            }
        }

        // Names, identifiers and codes are one line with nothing that changes how they read; anything else may be free text.
        private static TextKind KindOfText(string elementPath) =>
            elementPath.EndsWith(".family", StringComparison.Ordinal) || elementPath.EndsWith(".given", StringComparison.Ordinal)
            || elementPath.EndsWith(".prefix", StringComparison.Ordinal) || elementPath.EndsWith(".suffix", StringComparison.Ordinal)
            || elementPath.EndsWith("identifier.value", StringComparison.Ordinal) || elementPath.EndsWith(".code", StringComparison.Ordinal)
            || elementPath.EndsWith(".system", StringComparison.Ordinal)
                ? TextKind.Line
                : TextKind.FreeText;

        private void CheckMandatory(Node node, string elementPath)
        {
            var mapping = ModelInfo.ModelInspector.FindClassMapping(node.Value.GetType());
            foreach (var property in mapping?.PropertyMappings.Where(p => p.IsMandatoryElement) ?? [])
            {
                if (!Children(node, property.Name).Any())
                {
                    var suffix = property.Choice == Hl7.Fhir.Introspection.ChoiceType.DatatypeChoice ? "[x]" : "";
                    Report($"{node.Path}.{property.Name}", $"{elementPath}.{property.Name}{suffix} is required (min 1) but missing");
                }
            }
        }

        private void CheckReference(Node node, string reference, Resource resource)
        {
            if (reference.StartsWith('#'))
            {
                if (resource is DomainResource domain && !domain.Contained.Any(c => "#" + c.Id == reference))
                {
                    Report(node.Path, $"reference {reference} names no contained resource of this {resource.TypeName}");
                }
            }
            else if (!byFullUrl.ContainsKey(reference))
            {
                Report(node.Path, $"reference {reference} does not resolve inside the bundle (no entry has that fullUrl)");
            }
        }

        private void CheckExtensions(List<Node> extensions, string holderPath, Base holder)
        {
            // The project's own extensions must be defined here; another one is checked when profiles/ holds it (UK Core's).
            foreach (var group in extensions.Where(e => e.Value is Extension { Url: { } url }
                             && (url.StartsWith(FhirNames.Base + "/", StringComparison.Ordinal) || profiles.StructureDefinitionByUrl(url) is not null))
                         .GroupBy(e => ((Extension)e.Value).Url ?? ""))
            {
                var url = group.Key;
                var definition = profiles.StructureDefinitionByUrl(url);
                if (definition is null || definition.Type != "Extension")
                {
                    foreach (var extension in group)
                    {
                        Report(extension.Path, $"extension {url} is not defined in profiles/");
                    }

                    continue;
                }

                var label = $"extension {definition.Id ?? url}: ";
                var contexts = definition.Context.Select(c => c.Expression).ToList();
                if (contexts.Count > 0 && !contexts.Contains(holderPath) && !contexts.Contains(holder.TypeName))
                {
                    Report(group.First().Path, $"{label}may only be used on {string.Join(" or ", contexts)}, not on {holderPath}");
                }

                var rootMax = definition.Differential?.Element.FirstOrDefault(e => e.Path == "Extension")?.Max;
                if (rootMax is not null and not "*" && group.Count() > int.Parse(rootMax, CultureInfo.InvariantCulture))
                {
                    Report(group.First().Path, $"{label}may appear at most {rootMax} time(s) on {holderPath} but appears {group.Count()} times");
                }

                foreach (var extension in group)
                {
                    ApplyProfile(definition, extension, label);
                }
            }
        }

        private static string Quote(string? text) => text is null ? "missing" : $"'{text}'";
    }
}
