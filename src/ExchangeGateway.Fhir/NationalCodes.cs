using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir;

/// <summary>
/// The national codings (SNOMED CT, dm+d) that go beside a local code: from the ConceptMaps in profiles/, plus those
/// of a deployment's own map file, which replace the embedded ones for each code and target system they name.
/// </summary>
public sealed class NationalCodes
{
    // Only a target that says no more than the local code may be added beside it: a narrower or inexact one would
    // claim what the sender never said.
    private static readonly HashSet<ConceptMapEquivalence> Assertable =
    [
        ConceptMapEquivalence.Equal,
        ConceptMapEquivalence.Equivalent,
        ConceptMapEquivalence.Wider,
        ConceptMapEquivalence.Subsumes,
    ];

    private static readonly Lazy<NationalCodes> EmbeddedCodes = new(() => From(ProfileSet.Embedded));

    // (local system, local code) → target system → the codings, in map order.
    private readonly Dictionary<(string System, string Code), Dictionary<string, List<Coding>>> targets;

    private NationalCodes(Dictionary<(string System, string Code), Dictionary<string, List<Coding>>> targets) => this.targets = targets;

    /// <summary>The maps embedded from profiles/ (ProfileSet.Embedded); loaded once.</summary>
    public static NationalCodes Embedded => EmbeddedCodes.Value;

    /// <summary>The maps of a profile package.</summary>
    public static NationalCodes From(ProfileSet profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var targets = new Dictionary<(string, string), Dictionary<string, List<Coding>>>();
        foreach (var map in profiles.ConceptMaps.OrderBy(m => m.Url, StringComparer.Ordinal))
        {
            Merge(targets, map);
        }

        return new NationalCodes(targets);
    }

    /// <summary>
    /// These maps with a deployment's map file laid over them (see <see cref="TerminologyFile"/>); throws
    /// <see cref="TerminologyFileException"/> naming the file when it is missing or not a usable map.
    /// </summary>
    public NationalCodes With(string terminologyFile, ProfileSet profiles)
    {
        var merged = targets.ToDictionary(
            entry => entry.Key,
            entry => entry.Value.ToDictionary(t => t.Key, t => t.Value.ToList(), StringComparer.Ordinal));
        foreach (var map in TerminologyFile.Read(terminologyFile, profiles))
        {
            Merge(merged, map);
        }

        return new NationalCodes(merged);
    }

    /// <summary>The national codings for a local code (new instances each call); empty when no map gives one.</summary>
    public IReadOnlyList<Coding> Translate(string localSystem, string code) =>
        targets.TryGetValue((localSystem, code), out var bySystem)
            ? bySystem.Values.SelectMany(codings => codings).Select(c => new Coding(c.System, c.Code, c.Display)).ToList()
            : [];

    private static void Merge(Dictionary<(string, string), Dictionary<string, List<Coding>>> targets, ConceptMap map)
    {
        foreach (var group in map.Group)
        {
            if (group.Source is not { } source || group.Target is not { } targetSystem)
            {
                continue;
            }

            foreach (var element in group.Element)
            {
                if (element.Code is not { } code)
                {
                    continue;
                }

                if (!targets.TryGetValue((source, code), out var bySystem))
                {
                    bySystem = new Dictionary<string, List<Coding>>(StringComparer.Ordinal);
                    targets[(source, code)] = bySystem;
                }

                // A later map's element replaces what an earlier one said for that code and target system, so a
                // deployment can also take an embedded mapping away (an element whose targets are all unmatched).
                bySystem[targetSystem] = element.Target
                    .Where(t => t.Code is not null && t.Equivalence is { } equivalence && Assertable.Contains(equivalence))
                    .Select(t => new Coding(targetSystem, t.Code, t.Display))
                    .ToList();
            }
        }
    }
}
