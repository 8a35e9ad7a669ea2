using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Domain.Tests;

public class SafetyFlagsTests
{
    // release-ost: a planned release on Friday 2026-03-13 of a person on methadone with a bridging prescription, a
    // first appointment that afternoon, naloxone issued, high overdose risk and reduced tolerance.
    private static Submission Read(string example, Action<JsonObject>? change = null)
    {
        var result = SubmissionReader.Read(Examples.Variant(example, change ?? (_ => { })));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Submission!;
    }

    private static Submission ReleaseOst(Action<JsonObject>? change = null) => Read(Examples.ReleaseOst, change);

    private static List<string> Codes(Submission submission, string? firstNotifiedAt = null) =>
        SafetyFlags.Raise(submission, firstNotifiedAt).Select(f => f.Code).ToList();

    private static SafetyFlag Flag(Submission submission, string code, string? firstNotifiedAt = null) =>
        Assert.Single(SafetyFlags.Raise(submission, firstNotifiedAt), f => f.Code == code);

    private static Action<JsonObject> ReleaseOn(string date) => j => j["dir"]!["releasePlan"]!["releaseDate"] = date;

    private static void Remove(JsonNode node, string name) => node.AsObject().Remove(name);

    // Every flag a planned release can raise at once: a Friday release before the early May bank holiday, no bridging and
    // no same-day appointment, no naloxone, high risk, no fixed abode, no GP, and first heard of the day before.
    internal static Submission EveryFlag(bool planned = true) => ReleaseOst(j =>
    {
        j["event"]!["plannedRelease"] = planned;
        j["dir"]!["releasePlan"]!["releaseDate"] = "2026-05-01";
        j["dir"]!["releasePlan"]!["accommodation"] = "no-fixed-abode";
        Remove(j["dir"]!["client"]!, "gpPractice");
        Remove(j["dir"]!["releasePlan"]!, "firstAppointment");
        Remove(j["prescribing"]!, "bridgingPrescription");
        j["prescribing"]!["naloxone"] = new JsonObject { ["issued"] = false };
    });

    [Fact]
    public void The_release_ost_example_is_flagged_for_Friday_risk_and_both_notice_flags_only() =>
        Assert.Equal([SafetyFlags.FridayRelease, SafetyFlags.OverdoseRisk, SafetyFlags.LateNotice, SafetyFlags.NoticeUnderSixWeeks], Codes(ReleaseOst()));

    [Fact]
    public void Every_flag_but_unplanned_release_can_be_raised_at_once_by_a_planned_release_in_the_fixed_order() =>
        Assert.Equal(SafetyFlags.Codes.Where(c => c != SafetyFlags.UnplannedRelease), Codes(EveryFlag(), "2026-04-30T12:00:00+01:00"));

    [Fact]
    public void An_unplanned_release_raises_every_flag_but_the_notice_ones_in_the_same_order() =>
        Assert.Equal(SafetyFlags.Codes.Except([SafetyFlags.LateNotice, SafetyFlags.NoticeUnderSixWeeks]), Codes(EveryFlag(planned: false)));

    [Fact]
    public void No_flag_text_carries_personal_data()
    {
        var personal = new[] { "Example", "Jordan", "Lee", "9434765919", "A1234BC", "88/123456X", "1988", "LS1", "LS3", "Canal", "Kirkstall", "B86030", "HLI", "Okafor", "Patel", "2026" };
        var flags = SafetyFlags.Raise(EveryFlag(), "2026-04-30T12:00:00+01:00").Concat(SafetyFlags.Raise(EveryFlag(planned: false))).ToList();
        Assert.All(flags, f => Assert.DoesNotContain(personal, p => f.Text.Contains(p, StringComparison.OrdinalIgnoreCase)));
        Assert.All(flags, f => Assert.False(string.IsNullOrWhiteSpace(f.Text)));
    }

    [Fact]
    public void The_same_submission_always_raises_the_same_flags() =>
        Assert.Equal(SafetyFlags.Raise(EveryFlag(), "2026-04-30T12:00:00+01:00"), SafetyFlags.Raise(EveryFlag(), "2026-04-30T12:00:00+01:00"));

    // Release date

    [Fact]
    public void The_release_date_is_the_planned_release_date_first() =>
        Assert.Equal(new DateOnly(2026, 3, 12), SafetyFlags.ReleaseDate(ReleaseOst(ReleaseOn("2026-03-12"))));

    [Fact]
    public void Without_a_planned_date_the_release_date_is_the_expected_release_date()
    {
        var submission = ReleaseOst(j =>
        {
            Remove(j["dir"]!["releasePlan"]!, "releaseDate");
            j["dir"]!["custody"]!["expectedReleaseDate"] = "2026-03-20";
        });
        Assert.Equal(new DateOnly(2026, 3, 20), SafetyFlags.ReleaseDate(submission));
    }

    [Fact]
    public void Without_any_date_a_release_is_on_the_day_it_occurred_in_its_own_offset()
    {
        var submission = ReleaseOst(j =>
        {
            Remove(j["dir"]!["releasePlan"]!, "releaseDate");
            Remove(j["dir"]!["custody"]!, "expectedReleaseDate");
            j["event"]!["occurredAt"] = "2026-03-13T00:30:00+01:00";
        });
        Assert.Equal(new DateOnly(2026, 3, 13), SafetyFlags.ReleaseDate(submission));
        Assert.Contains(SafetyFlags.FridayRelease, Codes(submission));
    }

    [Fact]
    public void A_release_notice_without_any_date_has_no_release_date_and_no_date_flags()
    {
        var submission = ReleaseOst(j =>
        {
            j["event"]!["type"] = "release-notice";
            Remove(j["dir"]!["releasePlan"]!, "releaseDate");
            Remove(j["dir"]!["custody"]!, "expectedReleaseDate");
        });
        Assert.Null(SafetyFlags.ReleaseDate(submission));
        Assert.DoesNotContain(SafetyFlags.FridayRelease, Codes(submission));
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(submission));
    }

    // Friday

    [Fact]
    public void A_release_on_a_Friday_is_flagged() =>
        Assert.Contains("Friday", Flag(ReleaseOst(), SafetyFlags.FridayRelease).Text, StringComparison.Ordinal);

    [Fact]
    public void A_release_on_a_Thursday_is_not_flagged_as_a_Friday_release() =>
        Assert.DoesNotContain(SafetyFlags.FridayRelease, Codes(ReleaseOst(ReleaseOn("2026-03-12"))));

    [Fact]
    public void A_release_notice_for_a_Friday_release_is_flagged() =>
        Assert.Contains(SafetyFlags.FridayRelease, Codes(ReleaseOst(j => j["event"]!["type"] = "release-notice")));

    [Fact]
    public void A_transfer_is_not_flagged_for_a_Friday_release_date_it_carries() =>
        Assert.DoesNotContain(SafetyFlags.FridayRelease, Codes(Read(Examples.Transfer, j => j["dir"]!["custody"]!["expectedReleaseDate"] = "2026-03-13")));

    // Bank holiday

    [Fact]
    public void A_release_the_day_before_a_bank_holiday_is_flagged_naming_it()
    {
        var flag = Flag(ReleaseOst(ReleaseOn("2026-04-02")), SafetyFlags.BeforeBankHoliday);
        Assert.Contains("(Good Friday)", flag.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Friday_release_before_a_bank_holiday_Monday_raises_both_flags()
    {
        var submission = ReleaseOst(ReleaseOn("2026-05-01"));
        Assert.Contains(SafetyFlags.FridayRelease, Codes(submission));
        Assert.Contains("(Early May bank holiday)", Flag(submission, SafetyFlags.BeforeBankHoliday).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_the_day_before_a_Boxing_Day_substitute_is_flagged() =>
        Assert.Contains("(Boxing Day (substitute day))", Flag(ReleaseOst(ReleaseOn("2026-12-25")), SafetyFlags.BeforeBankHoliday).Text, StringComparison.Ordinal);

    [Theory]
    [InlineData("2026-03-13")] // the example: Monday 16 March is a working day
    [InlineData("2026-04-06")] // Easter Monday itself: Tuesday is a working day
    [InlineData("2026-12-23")]
    public void A_release_not_followed_by_a_bank_holiday_is_not_flagged(string date) =>
        Assert.DoesNotContain(SafetyFlags.BeforeBankHoliday, Codes(ReleaseOst(ReleaseOn(date))));

    [Fact]
    public void A_reception_is_not_flagged_for_a_bank_holiday() =>
        Assert.DoesNotContain(SafetyFlags.BeforeBankHoliday, Codes(ReleaseOst(j =>
        {
            j["event"]!["type"] = "reception";
            j["dir"]!["releasePlan"]!["releaseDate"] = "2026-04-02";
        })));

    // OST without bridging

    [Fact]
    public void OST_with_no_bridging_and_no_appointment_is_flagged() =>
        Assert.Contains(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j =>
        {
            Remove(j["prescribing"]!, "bridgingPrescription");
            Remove(j["dir"]!["releasePlan"]!, "firstAppointment");
        })));

    [Fact]
    public void OST_with_no_bridging_and_an_appointment_on_another_day_is_flagged() =>
        Assert.Contains(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j =>
        {
            Remove(j["prescribing"]!, "bridgingPrescription");
            j["dir"]!["releasePlan"]!["firstAppointment"] = "2026-03-16T10:00:00+00:00";
        })));

    [Fact]
    public void An_active_methadone_prescription_counts_as_OST_without_onOst() =>
        Assert.Contains(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j =>
        {
            Remove(j["prescribing"]!, "onOst");
            Remove(j["prescribing"]!, "bridgingPrescription");
            Remove(j["dir"]!["releasePlan"]!, "firstAppointment");
        })));

    [Fact]
    public void OST_with_a_bridging_prescription_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j => Remove(j["dir"]!["releasePlan"]!, "firstAppointment"))));

    [Fact]
    public void OST_with_no_bridging_but_an_appointment_on_the_release_day_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j => Remove(j["prescribing"]!, "bridgingPrescription"))));

    [Fact]
    public void A_person_not_on_OST_is_not_flagged_for_bridging() =>
        Assert.DoesNotContain(SafetyFlags.OstWithoutBridging, Codes(ReleaseOst(j =>
        {
            j["prescribing"]!["onOst"] = false;
            j["prescribing"]!["prescriptions"]![0]!["status"] = "stopped";
            Remove(j["prescribing"]!, "bridgingPrescription");
            Remove(j["dir"]!["releasePlan"]!, "firstAppointment");
        })));

    [Fact]
    public void A_transfer_on_OST_is_not_flagged_for_bridging() =>
        Assert.DoesNotContain(SafetyFlags.OstWithoutBridging, Codes(Read(Examples.Transfer)));

    // Opioid use without naloxone

    [Fact]
    public void Opioid_use_with_naloxone_not_issued_is_flagged() =>
        Assert.Contains(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst(j => j["prescribing"]!["naloxone"]!["issued"] = false)));

    [Fact]
    public void Opioid_use_with_no_naloxone_record_is_flagged() =>
        Assert.Contains(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst(j => Remove(j["prescribing"]!, "naloxone"))));

    [Theory]
    [InlineData("heroin")]
    [InlineData("methadone-illicit")]
    [InlineData("buprenorphine-illicit")]
    [InlineData("other-opioid")]
    public void Each_opioid_substance_without_naloxone_is_flagged_even_off_OST(string substance) =>
        Assert.Contains(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst(j =>
        {
            j.Remove("prescribing");
            j["dir"]!["substances"] = new JsonArray(new JsonObject { ["rank"] = 1, ["substance"] = substance });
        })));

    [Fact]
    public void OST_without_naloxone_is_flagged_even_when_no_opioid_substance_is_listed() =>
        Assert.Contains(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst(j =>
        {
            Remove(j["prescribing"]!, "naloxone");
            j["dir"]!["substances"] = new JsonArray(new JsonObject { ["rank"] = 1, ["substance"] = "crack" });
        })));

    [Fact]
    public void Opioid_use_with_naloxone_issued_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst()));

    [Fact]
    public void No_opioid_use_and_no_OST_is_not_flagged_for_naloxone() =>
        Assert.DoesNotContain(SafetyFlags.OpioidWithoutNaloxone, Codes(ReleaseOst(j =>
        {
            j.Remove("prescribing");
            j["dir"]!["substances"] = new JsonArray(new JsonObject { ["rank"] = 1, ["substance"] = "alcohol" }, new JsonObject { ["rank"] = 2, ["substance"] = "crack" });
        })));

    [Fact]
    public void A_transfer_without_naloxone_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OpioidWithoutNaloxone, Codes(Read(Examples.Transfer)));

    // Overdose risk

    [Fact]
    public void Reduced_tolerance_alone_is_flagged() =>
        Assert.StartsWith("Reduced opioid tolerance is recorded.", Flag(ReleaseOst(j => j["dir"]!["risks"]!["overdoseRisk"] = "low"), SafetyFlags.OverdoseRisk).Text, StringComparison.Ordinal);

    [Fact]
    public void A_high_overdose_risk_alone_is_flagged() =>
        Assert.StartsWith("A high overdose risk is recorded.", Flag(ReleaseOst(j => j["dir"]!["risks"]!["reducedTolerance"] = false), SafetyFlags.OverdoseRisk).Text, StringComparison.Ordinal);

    [Fact]
    public void A_medium_risk_without_reduced_tolerance_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OverdoseRisk, Codes(ReleaseOst(j =>
        {
            j["dir"]!["risks"]!["overdoseRisk"] = "medium";
            j["dir"]!["risks"]!["reducedTolerance"] = false;
        })));

    [Fact]
    public void No_risks_recorded_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.OverdoseRisk, Codes(ReleaseOst(j => Remove(j["dir"]!, "risks"))));

    [Fact]
    public void A_transfer_with_a_high_overdose_risk_is_flagged_for_the_receiving_prison()
    {
        var transfer = Read(Examples.Transfer, j => j["dir"]!["risks"]!["overdoseRisk"] = "high");
        Assert.Equal([SafetyFlags.OverdoseRisk], Codes(transfer));
        Assert.Contains("starting or changing opioid doses", Flag(transfer, SafetyFlags.OverdoseRisk).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_transfer_example_with_a_medium_risk_raises_no_flag() => Assert.Empty(Codes(Read(Examples.Transfer)));

    // Late notice

    [Fact]
    public void A_planned_release_first_heard_of_on_the_day_is_flagged() =>
        Assert.Contains(SafetyFlags.LateNotice, Codes(ReleaseOst()));

    [Fact]
    public void A_planned_release_first_notified_the_day_before_is_flagged() =>
        Assert.Contains(SafetyFlags.LateNotice, Codes(ReleaseOst(), "2026-03-12T08:00:00+00:00"));

    [Theory]
    [InlineData("2026-03-11T23:59:59+00:00")]
    [InlineData("2026-01-30T09:00:00Z")]
    public void A_planned_release_first_notified_two_or_more_days_ahead_is_not_flagged(string firstNotifiedAt) =>
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(ReleaseOst(), firstNotifiedAt));

    [Fact]
    public void A_notification_date_is_read_in_its_own_offset() =>
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(ReleaseOst(), "2026-03-11T00:30:00+01:00")); // 10 March 23:30 UTC, 11 March where sent

    [Fact]
    public void A_release_notice_six_weeks_ahead_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(ReleaseOst(j =>
        {
            j["event"]!["type"] = "release-notice";
            j["event"]!["occurredAt"] = "2026-01-30T09:00:00+00:00";
        })));

    [Fact]
    public void A_release_notice_sent_the_day_before_is_flagged() =>
        Assert.Contains(SafetyFlags.LateNotice, Codes(ReleaseOst(j =>
        {
            j["event"]!["type"] = "release-notice";
            j["event"]!["occurredAt"] = "2026-03-12T09:00:00+00:00";
        })));

    [Fact]
    public void An_unplanned_release_is_not_flagged_for_late_notice() =>
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(ReleaseOst(j => j["event"]!["plannedRelease"] = false)));

    [Fact]
    public void A_transfer_is_not_flagged_for_late_notice() =>
        Assert.DoesNotContain(SafetyFlags.LateNotice, Codes(Read(Examples.Transfer, j => j["dir"]!["custody"]!["expectedReleaseDate"] = "2026-02-04")));

    [Theory]
    [InlineData("2026-03-11T10:00:00")]
    [InlineData("2026-03-11")]
    [InlineData("yesterday")]
    public void A_first_notification_time_without_an_offset_is_refused(string firstNotifiedAt)
    {
        var exception = Assert.Throws<ArgumentException>(() => SafetyFlags.Raise(ReleaseOst(), firstNotifiedAt));
        Assert.Equal("firstNotifiedAt", exception.ParamName);
    }

    [Fact]
    public void Codes_are_lower_case_kebab_words() =>
        Assert.All(SafetyFlags.Codes.Append(UnplannedReleaseAlert.FlagCode), c => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", c));
}
