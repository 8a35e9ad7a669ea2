using ExchangeGateway.Fhir;

namespace ExchangeGateway.Fhir.Tests;

/// <summary>
/// Found by the fuzz harness: an object with an empty property name made the Firely reader throw IndexOutOfRangeException
/// out of validate and unmap; it must be an unreadable document, reported, like any other.
/// </summary>
public sealed class UnreadableDocumentTests
{
    [Theory]
    [InlineData("{\"resourceType\":\"Bundle\",\"\":null}")]
    [InlineData("{\"resourceType\":\"Bundle\",\"type\":\"document\",\"entry\":[{\"\":[null]}]}")]
    [InlineData("{\"resourceType\":\"Bundle\",\"meta\":{\"\":1}}")]
    public void Validating_a_document_with_an_empty_property_name_reports_it_as_unreadable(string json)
    {
        var issues = DocumentValidator.Embedded.ValidateJson(json);

        var issue = Assert.Single(issues);
        Assert.Equal("Bundle", issue.Location);
        Assert.StartsWith("not a readable FHIR R4 resource", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_document_with_an_empty_property_name_to_unmap_it_fails_with_a_reason()
    {
        var parsed = FhirDocumentJson.TryParse("{\"resourceType\":\"Bundle\",\"\":null}", out var bundle, out var problem);

        Assert.False(parsed);
        Assert.Null(bundle);
        Assert.Contains("not a readable FHIR R4 Bundle", problem, StringComparison.Ordinal);
    }
}

/// <summary>The reader's list of ethnic categories and the profile's CodeSystem must agree, or a code would pass one and fail the other.</summary>
public sealed class EthnicCategoryAgreementTests
{
    [Fact]
    public void The_readers_ethnic_categories_are_exactly_the_profiles_codes()
    {
        var codes = ExchangeGateway.Domain.SubmissionRules.EthnicCategories;

        Assert.All(codes, code => Assert.True(ProfileSet.Embedded.HasCode(FhirNames.Cs.EthnicCategory, code), code));
        Assert.All("ABCDEFGHIJKLMNOPQRSTUVWXYZ".Select(c => c.ToString()).Where(c => !codes.Contains(c)), code => Assert.False(ProfileSet.Embedded.HasCode(FhirNames.Cs.EthnicCategory, code), code));
    }
}
