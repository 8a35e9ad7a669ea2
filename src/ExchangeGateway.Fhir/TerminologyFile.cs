using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Fhir;

/// <summary>
/// A deployment's own map file (<c>--terminology</c>, <c>Gateway__Terminology</c>): one R4 ConceptMap, or a Bundle
/// of them, from the project's CodeSystems to national code systems (e.g. dm+d from the NHSBSA release).
/// </summary>
public static class TerminologyFile
{
    // Far above any map of the project's few hundred codes; a bound, so a wrong file is refused rather than read whole.
    private const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Reads and checks the file: every group has a source that is one of the project's CodeSystems and a target
    /// that is not, every element's code is in its CodeSystem, every target has a code and an equivalence. Throws
    /// <see cref="TerminologyFileException"/> with every problem when it is not so.
    /// </summary>
    public static IReadOnlyList<ConceptMap> Read(string path, ProfileSet profiles)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(profiles);
        var maps = Parse(path, ReadText(path));
        var problems = maps.SelectMany(map => Problems(map, profiles)).ToList();
        if (problems.Count > 0)
        {
            throw new TerminologyFileException(path, problems);
        }

        return maps;
    }

    private static string ReadText(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                throw new TerminologyFileException(path, ["does not exist"]);
            }

            if (file.Length > MaxBytes)
            {
                throw new TerminologyFileException(path, [$"is {file.Length} bytes, over the {MaxBytes} a map file may have"]);
            }

            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TerminologyFileException(path, [$"cannot be read ({ex.Message})"]);
        }
    }

    private static List<ConceptMap> Parse(string path, string json)
    {
        Resource resource;
        try
        {
            resource = new FhirJsonDeserializer(new DeserializerSettings()).Deserialize<Resource>(json);
        }
        catch (Exception ex) when (ex is DeserializationFailedException or System.Text.Json.JsonException or FormatException)
        {
            throw new TerminologyFileException(path, [$"is not a readable FHIR R4 resource ({ex.Message})"]);
        }

        return resource switch
        {
            ConceptMap map => [map],
            Bundle bundle when bundle.Entry.Count > 0 && bundle.Entry.All(e => e.Resource is ConceptMap) =>
                bundle.Entry.Select(e => e.Resource).OfType<ConceptMap>().ToList(),
            Bundle => throw new TerminologyFileException(path, ["is a Bundle, but not one holding only ConceptMaps"]),
            _ => throw new TerminologyFileException(path, [$"holds a {resource.TypeName}; expected a ConceptMap or a Bundle of ConceptMaps"]),
        };
    }

    private static IEnumerable<string> Problems(ConceptMap map, ProfileSet profiles)
    {
        var name = map.Url ?? map.Id ?? "a ConceptMap";
        if (map.Group.Count == 0)
        {
            yield return $"{name} has no group: it maps nothing";
        }

        for (var g = 0; g < map.Group.Count; g++)
        {
            var group = map.Group[g];
            var at = $"{name} group[{g}]";
            var codeSystem = group.Source is null ? null : profiles.CodeSystemByUrl(group.Source);
            if (codeSystem is null)
            {
                yield return $"{at}: source {Quote(group.Source)} is not one of the project's CodeSystems (profiles/CodeSystem-*.json)";
            }

            if (string.IsNullOrEmpty(group.Target) || profiles.CodeSystemByUrl(group.Target) is not null)
            {
                yield return $"{at}: target {Quote(group.Target)} must name the national code system, e.g. https://dmd.nhs.uk or http://snomed.info/sct";
            }

            for (var e = 0; e < group.Element.Count; e++)
            {
                var element = group.Element[e];
                if (codeSystem is not null && !codeSystem.Concept.Any(c => c.Code == element.Code))
                {
                    yield return $"{at}.element[{e}]: code {Quote(element.Code)} is not in CodeSystem {codeSystem.Url}";
                }

                for (var t = 0; t < element.Target.Count; t++)
                {
                    if (string.IsNullOrEmpty(element.Target[t].Code) && element.Target[t].Equivalence != ConceptMapEquivalence.Unmatched)
                    {
                        yield return $"{at}.element[{e}].target[{t}] has no code";
                    }

                    if (element.Target[t].Equivalence is null)
                    {
                        yield return $"{at}.element[{e}].target[{t}] has no equivalence";
                    }
                }
            }
        }
    }

    private static string Quote(string? value) => value is null ? "(none)" : $"'{value}'";
}

/// <summary>A deployment's map file that is missing or not a usable map; the message names the file and every problem.</summary>
public sealed class TerminologyFileException(string path, IReadOnlyList<string> problems)
    : Exception($"terminology file {path}: {string.Join("; ", problems)}")
{
    /// <summary>The file given.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
