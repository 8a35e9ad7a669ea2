using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

public class SubmissionReaderTests
{
    private static IntakeResult Read(byte[] body) => SubmissionReader.Read(body);

    private static void AssertRefused(byte[] body, string path)
    {
        var result = Read(body);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Path == path);
    }

    [Theory]
    [InlineData(Examples.ReleaseOst)]
    [InlineData(Examples.Transfer)]
    public void Both_examples_are_accepted(string example)
    {
        var result = Read(Encoding.UTF8.GetBytes(Examples.Text(example)));
        Assert.Empty(result.Errors);
        Assert.NotNull(result.Submission);
    }

    [Fact]
    public void The_everything_fixture_is_accepted() =>
        Assert.Empty(Read(Encoding.UTF8.GetBytes(Examples.Everything().ToJsonString())).Errors);

    [Fact]
    public void An_unknown_field_is_refused_naming_it() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["favouriteColour"] = "blue"), "dir.client.favouriteColour");

    [Fact]
    public void A_missing_required_field_is_refused_naming_it() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!.AsObject().Remove("surname")), "dir.client.surname");

    [Fact]
    public void A_bad_NHS_number_check_digit_is_refused_naming_the_field() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["nhsNumber"] = "4010232138"), "dir.client.nhsNumber");

    [Fact]
    public void An_NHS_number_of_the_wrong_length_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["nhsNumber"] = "401023213"), "dir.client.nhsNumber");

    [Fact]
    public void A_date_time_without_offset_is_refused_naming_the_field() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["event"]!["occurredAt"] = "2026-02-04T07:15:00"), "event.occurredAt");

    [Fact]
    public void A_last_dose_time_without_offset_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["administeredAt"] = "2026-02-04T06:45"), "prescribing.lastDose.administeredAt");

    [Fact]
    public void An_impossible_date_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["dateOfBirth"] = "1979-02-30"), "dir.client.dateOfBirth");

    [Fact]
    public void A_value_outside_an_enumeration_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["substance"] = "spice"), "dir.substances[0].substance");

    [Fact]
    public void A_dose_without_a_unit_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!.AsObject().Remove("unit")), "prescribing.lastDose.dose.unit");

    [Fact]
    public void A_dose_in_an_unknown_unit_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!["unit"] = "drops"), "prescribing.lastDose.dose.unit");

    [Fact]
    public void A_zero_dose_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!["value"] = 0), "prescribing.lastDose.dose.value");

    [Fact]
    public void A_rank_out_of_range_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["rank"] = 4), "dir.substances[0].rank");

    [Fact]
    public void A_fractional_rank_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["rank"] = 1.5), "dir.substances[0].rank");

    [Fact]
    public void More_than_three_substances_are_refused() =>
        AssertRefused(
            Examples.Variant(Examples.Transfer, j =>
            {
                var substances = j["dir"]!["substances"]!.AsArray();
                foreach (var (rank, name) in new[] { (2, "crack"), (3, "alcohol"), (3, "cannabis") })
                {
                    substances.Add(new JsonObject { ["rank"] = rank, ["substance"] = name });
                }
            }),
            "dir.substances");

    [Fact]
    public void A_bridging_prescription_over_28_days_is_refused() =>
        AssertRefused(Examples.Variant(Examples.ReleaseOst, j => j["prescribing"]!["bridgingPrescription"]!["days"] = 29), "prescribing.bridgingPrescription.days");

    [Fact]
    public void A_repeated_consent_recipient_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["shareWith"]!.AsArray().Add("gp")), "dir.consent.shareWith[2]");

    [Fact]
    public void A_bad_postcode_is_refused() =>
        AssertRefused(Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["address"]!["postcode"] = "not a postcode"), "dir.client.address.postcode");

    [Fact]
    public void A_submission_id_that_is_not_a_uuid_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["submissionId"] = "submission-1"), "submissionId");

    [Fact]
    public void A_string_where_a_boolean_belongs_is_refused() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!["onOst"] = "yes"), "prescribing.onOst");

    [Fact]
    public void Transfer_without_destination_is_refused_naming_event_to() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["event"]!.AsObject().Remove("to")), "event.to");

    [Fact]
    public void Transfer_on_OST_without_last_dose_is_refused_naming_the_field() =>
        AssertRefused(Examples.Variant(Examples.Transfer, j => j["prescribing"]!.AsObject().Remove("lastDose")), "prescribing.lastDose");

    [Fact]
    public void Release_with_active_methadone_but_no_onOst_and_no_last_dose_is_refused()
    {
        AssertRefused(
            Examples.Variant(Examples.ReleaseOst, j =>
            {
                j["prescribing"]!.AsObject().Remove("onOst");
                j["prescribing"]!.AsObject().Remove("lastDose");
            }),
            "prescribing.lastDose");
    }

    [Fact]
    public void Release_notice_on_OST_without_last_dose_is_accepted()
    {
        var body = Examples.Variant(Examples.ReleaseOst, j =>
        {
            j["event"]!["type"] = "release-notice";
            j["prescribing"]!.AsObject().Remove("lastDose");
        });
        Assert.Empty(Read(body).Errors);
    }

    [Fact]
    public void Override_without_justification_is_refused_naming_the_field() =>
        AssertRefused(
            Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = new JsonObject
            {
                ["legalBasis"] = "vital-interests",
                ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Jones" },
            }),
            "dir.consent.override.justification");

    [Fact]
    public void Override_with_a_placeholder_justification_is_refused() =>
        AssertRefused(
            Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = new JsonObject
            {
                ["legalBasis"] = "vital-interests",
                ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Jones" },
                ["justification"] = "aaaaaaaaaaaa",
            }),
            "dir.consent.override.justification");

    [Fact]
    public void Override_without_authoriser_is_refused_naming_the_field() =>
        AssertRefused(
            Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = new JsonObject
            {
                ["legalBasis"] = "vital-interests",
                ["justification"] = "Immediate overdose risk on release.",
            }),
            "dir.consent.override.authorisedBy");

    [Fact]
    public void Override_with_an_unknown_legal_basis_is_refused() =>
        AssertRefused(
            Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = new JsonObject
            {
                ["legalBasis"] = "because",
                ["authorisedBy"] = new JsonObject { ["name"] = "Dr R Jones" },
                ["justification"] = "Immediate overdose risk on release.",
            }),
            "dir.consent.override.legalBasis");

    [Fact]
    public void A_duplicate_key_is_refused_naming_it()
    {
        var text = Examples.Text(Examples.Transfer).Replace("\"surname\": \"Sample\"", "\"surname\": \"Sample\", \"surname\": \"Other\"", StringComparison.Ordinal);
        AssertRefused(Encoding.UTF8.GetBytes(text), "dir.client.surname");
    }

    [Fact]
    public void Invalid_JSON_is_refused_with_its_position()
    {
        var result = Read("{\"submissionId\": "u8.ToArray());
        Assert.Contains(result.Errors, e => e.Reason.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void All_errors_are_reported_at_once()
    {
        var body = Examples.Variant(Examples.Transfer, j =>
        {
            j["dir"]!["client"]!["nhsNumber"] = "4010232138";
            j["dir"]!["client"]!["favouriteColour"] = "blue";
            j["event"]!.AsObject().Remove("to");
        });
        var paths = Read(body).Errors.Select(e => e.Path).ToList();
        Assert.Contains("dir.client.nhsNumber", paths);
        Assert.Contains("dir.client.favouriteColour", paths);
        Assert.Contains("event.to", paths);
    }

    [Fact]
    public void A_body_over_1_MB_is_refused_in_under_a_second()
    {
        var body = new byte[SubmissionReader.MaxBytes + 1];
        Array.Fill(body, (byte)' ');
        var clock = Stopwatch.StartNew();
        var result = Read(body);
        clock.Stop();
        Assert.Contains(result.Errors, e => e.Path == "$" && e.Reason.Contains("1 MB", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Nesting_deeper_than_64_is_refused_in_under_a_second()
    {
        var body = Encoding.UTF8.GetBytes(new string('[', 500_000) + new string(']', 500_000));
        var clock = Stopwatch.StartNew();
        var result = Read(body);
        clock.Stop();
        Assert.Contains(result.Errors, e => e.Reason.Contains("deeper than 64", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Nesting_inside_an_allowed_field_is_refused_naming_where()
    {
        var deep = new string('[', 70) + new string(']', 70);
        var text = Examples.Text(Examples.Transfer).Replace("\"dirId\": \"DIR-BMI-2026-000112\"", $"\"dirId\": {deep}", StringComparison.Ordinal);
        var result = Read(Encoding.UTF8.GetBytes(text));
        Assert.Contains(result.Errors, e => e.Path.StartsWith("dir.dirId", StringComparison.Ordinal) && e.Reason.Contains("deeper", StringComparison.Ordinal));
    }
}
