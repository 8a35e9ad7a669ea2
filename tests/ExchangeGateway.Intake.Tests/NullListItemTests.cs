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
