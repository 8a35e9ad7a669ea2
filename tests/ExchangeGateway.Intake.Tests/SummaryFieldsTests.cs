using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

// The records let a minimised copy leave out a prescription's frequency, start and prescriber; a submission may not.
public class SummaryFieldsTests
{
    private static void AssertRefused(Action<JsonObject> change, string path)
    {
        var result = SubmissionReader.Read(Examples.Variant(Examples.Transfer, change));
        Assert.False(result.IsValid);
        Assert.Null(result.Submission);
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    private static JsonObject Prescription(JsonObject submission) => submission["prescribing"]!["prescriptions"]![0]!.AsObject();

    [Theory]
    [InlineData("frequency")]
    [InlineData("start")]
    [InlineData("prescriber")]
    public void A_prescription_without_a_field_the_CJIT_summary_drops_is_still_refused(string field) =>
        AssertRefused(j => Prescription(j).Remove(field), $"prescribing.prescriptions[0].{field}");

    [Theory]
    [InlineData("frequency")]
    [InlineData("start")]
    [InlineData("prescriber")]
    public void A_prescription_with_null_for_a_field_the_CJIT_summary_drops_is_still_refused(string field) =>
        AssertRefused(j => Prescription(j)[field] = null, $"prescribing.prescriptions[0].{field}");

    [Fact]
    public void A_last_dose_with_a_date_only_is_still_refused() =>
        AssertRefused(j => j["prescribing"]!["lastDose"]!["administeredAt"] = "2026-02-04", "prescribing.lastDose.administeredAt");
}
