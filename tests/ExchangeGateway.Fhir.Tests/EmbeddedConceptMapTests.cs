using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class EmbeddedConceptMapTests
{
    private static readonly string[] NationalSystems = ["http://snomed.info/sct", "https://dmd.nhs.uk"];

    [Fact]
    public void Every_local_CodeSystem_has_exactly_one_ConceptMap_from_its_ValueSet()
    {
        var maps = ProfileSet.Embedded.ConceptMaps;
        // UK Core's CodeSystems are held here only so their ValueSet expands; they are national already.
        var local = ProfileSet.Embedded.CodeSystems.Where(c => c.Url?.StartsWith(FhirNames.Base + "/", StringComparison.Ordinal) == true).ToList();

        Assert.All(local, codeSystem =>
        {
            var map = Assert.Single(maps, m => m.Url == $"{FhirNames.Base}/ConceptMap/{codeSystem.Id}");
            Assert.Equal(codeSystem.ValueSet, (map.Source as Canonical)?.Value);
            Assert.All(map.Group, g => Assert.Equal(codeSystem.Url, g.Source));
        });
        Assert.Equal(local.Count, maps.Count);
    }

    [Fact]
    public void Every_mapped_code_is_a_local_code_and_every_target_a_national_code_with_display_and_cited_source()
    {
        foreach (var map in ProfileSet.Embedded.ConceptMaps)
        {
            foreach (var group in map.Group)
            {
                var codeSystem = ProfileSet.Embedded.CodeSystemByUrl(group.Source!)!;
                Assert.Contains(group.Target, NationalSystems);
                Assert.All(group.Element, element =>
                {
                    Assert.Contains(codeSystem.Concept, c => c.Code == element.Code);
                    Assert.All(element.Target, target =>
                    {
                        Assert.False(string.IsNullOrEmpty(target.Code));
                        Assert.False(string.IsNullOrEmpty(target.Display));
                        Assert.StartsWith("Source: ", target.Comment, StringComparison.Ordinal);
                    });
                });
            }
        }
    }

    [Fact]
    public void An_empty_map_says_so_in_its_description()
    {
        Assert.All(
            ProfileSet.Embedded.ConceptMaps.Where(m => m.Group.Count == 0),
            map => Assert.StartsWith("Empty: no SNOMED CT or dm+d concept", map.Description, StringComparison.Ordinal));
    }
}
