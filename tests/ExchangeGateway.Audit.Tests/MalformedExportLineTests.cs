namespace ExchangeGateway.Audit.Tests;

/// <summary>Export lines found by the fuzz harness that once threw out of the verifier: each must be a problem at its line instead.</summary>
[Collection(PkiCollection.Name)]
public sealed class MalformedExportLineTests(PkiFixture pki)
{
    [Theory]
    [InlineData("\"4\"")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("1.5")]
    public void A_checkpoint_whose_number_is_not_an_integer_is_a_problem_not_an_exception(string number)
    {
        using var trail = new Trail(pki, entries: 5, interval: 2);
        var export = trail.Export();
        var index = export.IndexOfCheckpoint(1);
        var line = export.Object(index);
        line["checkpoint"] = System.Text.Json.Nodes.JsonNode.Parse(number);
        export.Lines[index] = line.ToJsonString();

        var result = export.Verify(pki);

        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("\"actor\":\"\\ud800\"")]
    [InlineData("\"actor\":\"\\udfff\\ud800\"")]
    [InlineData("\"details\":{\"reason\":\"\\ud800\"}")]
    [InlineData("\"subjects\":[\"\\udc00\"]")]
    [InlineData("\"\\ud800\":1")]
    public void An_entry_with_a_lone_surrogate_escape_is_a_problem_not_an_exception(string field)
    {
        using var trail = new Trail(pki, entries: 3);
        var export = trail.Export();
        export.Lines[1] = "{" + field + "," + export.Lines[1][1..];

        var result = export.Verify(pki);

        Assert.False(result.IsValid);
        Assert.Equal(2, result.FirstBadSeq);
    }
}
