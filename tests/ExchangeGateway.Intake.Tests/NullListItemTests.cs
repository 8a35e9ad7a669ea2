using System.Text.Json.Nodes;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

/// <summary>Found by the fuzz harness: a null item in a list reached the domain rules and threw NullReferenceException out of the reader.</summary>
public sealed class NullListItemTests
{
    [Fact]
    public void A_null_substance_is_refused_by_the_schema_and_the_reader_does_not_throw()
    {
        var body = Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["substances"] = new JsonArray(null, JsonNode.Parse("{}")));

        var result = SubmissionReader.Read(body, new DateOnly(2026, 3, 13));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path.StartsWith("dir.substances[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_null_prescription_is_refused_by_the_schema_and_the_reader_does_not_throw()
    {
        var body = Examples.Variant(Examples.ReleaseOst, j => j["prescribing"]!["prescriptions"]!.AsArray().Add(null));

        var result = SubmissionReader.Read(body, new DateOnly(2026, 3, 13));

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }
}

/// <summary>Found by the fuzz harness: an ethnicity that is not an ONS 2011 code passed the reader and made `exg map` throw.</summary>
public sealed class EthnicityCodeTests
{
    [Theory]
    [InlineData("9999-99-99")]
    [InlineData("Q")]
    [InlineData("a")]
    [InlineData("AB")]
    public void An_ethnicity_that_is_not_an_ONS_2011_code_is_refused_naming_the_field(string ethnicity)
    {
        var body = Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["ethnicity"] = ethnicity);

        var result = SubmissionReader.Read(body, new DateOnly(2026, 3, 13));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == "dir.client.ethnicity");
    }

    [Fact]
    public void Every_ONS_2011_code_is_accepted()
    {
        foreach (var code in ExchangeGateway.Domain.SubmissionRules.EthnicCategories)
        {
            var result = SubmissionReader.Read(Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["ethnicity"] = code), new DateOnly(2026, 3, 13));

            Assert.True(result.IsValid, $"{code}: {string.Join("; ", result.Errors)}");
        }
    }
}
