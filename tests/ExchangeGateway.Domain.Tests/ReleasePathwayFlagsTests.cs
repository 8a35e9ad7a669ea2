using System.Text.Json.Nodes;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Domain.Tests;

/// <summary>The release-pathway flags: notice under 6 weeks, unplanned release (and its alert), no fixed abode, no GP.</summary>
public class ReleasePathwayFlagsTests
{
    // release-ost: a planned release on Friday 2026-03-13, first heard of that morning, with a GP practice, approved
    // premises, and a person on methadone with a bridging prescription.
    private static Submission Read(string example, Action<JsonObject>? change = null)
    {
        var result = SubmissionReader.Read(Examples.Variant(example, change ?? (_ => { })));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Submission!;
    }

    private static Submission ReleaseOst(Action<JsonObject>? change = null) => Read(Examples.ReleaseOst, change);

    private static Submission Notice(string occurredAt, Action<JsonObject>? change = null) => ReleaseOst(j =>
    {
        j["event"]!["type"] = "release-notice";
        j["event"]!.AsObject().Remove("plannedRelease");
        j["event"]!["occurredAt"] = occurredAt;
        change?.Invoke(j);
    });

    private static void WithoutGp(JsonObject j) => j["dir"]!["client"]!.AsObject().Remove("gpPractice");

    private static Submission Unplanned(Action<JsonObject>? change = null) => ReleaseOst(j =>
    {
        j["event"]!["plannedRelease"] = false;
        change?.Invoke(j);
    });

    private static List<string> Codes(Submission submission, string? firstNotifiedAt = null) =>
        SafetyFlags.Raise(submission, firstNotifiedAt).Select(f => f.Code).ToList();

    private static SafetyFlag Flag(Submission submission, string code) => Assert.Single(SafetyFlags.Raise(submission), f => f.Code == code);

    private static void WithoutBridging(JsonObject j) => j["prescribing"]!.AsObject().Remove("bridgingPrescription");

    // Notice under 6 weeks (the release is on 13 March 2026: 42 days before is 30 January)

    [Fact]
    public void A_notice_first_received_41_days_ahead_is_flagged_as_under_6_weeks() =>
        Assert.Contains(SafetyFlags.NoticeUnderSixWeeks, Codes(Notice("2026-01-31T09:00:00+00:00")));

    [Fact]
    public void A_notice_first_received_exactly_42_days_ahead_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.NoticeUnderSixWeeks, Codes(Notice("2026-01-30T09:00:00+00:00")));

    [Fact]
    public void A_later_notice_is_judged_by_when_the_release_was_first_notified() =>
        Assert.DoesNotContain(SafetyFlags.NoticeUnderSixWeeks, Codes(Notice("2026-03-10T09:00:00+00:00"), "2026-01-29T23:30:00+00:00"));

    [Fact]
    public void A_first_notification_41_days_ahead_flags_even_a_later_notice() =>
        Assert.Contains(SafetyFlags.NoticeUnderSixWeeks, Codes(Notice("2026-03-10T09:00:00+00:00"), "2026-01-31T00:30:00+00:00"));

    [Fact]
    public void A_notice_under_2_days_raises_both_notice_flags_the_2_day_one_first()
    {
        var codes = Codes(Notice("2026-03-12T09:00:00+00:00"));
        Assert.Equal(codes.IndexOf(SafetyFlags.LateNotice) + 1, codes.IndexOf(SafetyFlags.NoticeUnderSixWeeks));
        Assert.Contains("less than 6 weeks", Flag(Notice("2026-03-12T09:00:00+00:00"), SafetyFlags.NoticeUnderSixWeeks).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_notice_3_weeks_ahead_is_under_6_weeks_but_not_late() =>
        Assert.Equal([SafetyFlags.NoticeUnderSixWeeks], Codes(Notice("2026-02-20T09:00:00+00:00")).Where(c => c is SafetyFlags.LateNotice or SafetyFlags.NoticeUnderSixWeeks));

    [Fact]
    public void A_planned_release_event_first_heard_of_on_the_day_is_flagged_as_under_6_weeks() =>
        Assert.Contains(SafetyFlags.NoticeUnderSixWeeks, Codes(ReleaseOst()));

    [Fact]
    public void An_unplanned_release_is_not_flagged_as_under_6_weeks() =>
        Assert.DoesNotContain(SafetyFlags.NoticeUnderSixWeeks, Codes(Unplanned()));

    [Fact]
    public void A_transfer_carrying_a_near_release_date_is_not_flagged_as_under_6_weeks() =>
        Assert.DoesNotContain(SafetyFlags.NoticeUnderSixWeeks, Codes(Read(Examples.Transfer, j => j["dir"]!["custody"]!["expectedReleaseDate"] = "2026-02-04")));

    // Unplanned release

    [Fact]
    public void A_release_marked_unplanned_is_flagged_with_plain_advice() =>
        Assert.Contains("not planned", Flag(Unplanned(), SafetyFlags.UnplannedRelease).Text, StringComparison.Ordinal);

    [Fact]
    public void A_release_without_plannedRelease_is_planned_and_not_flagged_as_unplanned() =>
        Assert.DoesNotContain(SafetyFlags.UnplannedRelease, Codes(ReleaseOst(j => j["event"]!.AsObject().Remove("plannedRelease"))));

    [Fact]
    public void A_release_marked_planned_is_not_flagged_as_unplanned() =>
        Assert.DoesNotContain(SafetyFlags.UnplannedRelease, Codes(ReleaseOst()));

    // Unplanned-release alert

    [Fact]
    public void An_unplanned_release_on_OST_without_bridging_raises_the_alert() =>
        Assert.True(UnplannedReleaseAlert.IsRaisedBy(Unplanned(WithoutBridging)));

    [Fact]
    public void An_unplanned_release_on_OST_with_a_bridging_prescription_raises_no_alert() =>
        Assert.False(UnplannedReleaseAlert.IsRaisedBy(Unplanned()));

    [Fact]
    public void An_unplanned_release_of_a_person_not_on_OST_raises_no_alert() =>
        Assert.False(UnplannedReleaseAlert.IsRaisedBy(Unplanned(j =>
        {
            WithoutBridging(j);
            j["prescribing"]!["onOst"] = false;
            j["prescribing"]!["prescriptions"]![0]!["status"] = "stopped";
        })));

    [Fact]
    public void A_planned_release_on_OST_without_bridging_raises_no_alert() =>
        Assert.False(UnplannedReleaseAlert.IsRaisedBy(ReleaseOst(WithoutBridging)));

    [Fact]
    public void A_release_without_plannedRelease_on_OST_without_bridging_raises_no_alert() =>
        Assert.False(UnplannedReleaseAlert.IsRaisedBy(ReleaseOst(j =>
        {
            WithoutBridging(j);
            j["event"]!.AsObject().Remove("plannedRelease");
        })));

    [Fact]
    public void The_alert_text_names_the_releasing_prison_but_not_the_person()
    {
        var text = UnplannedReleaseAlert.Text(Unplanned(WithoutBridging));
        Assert.Contains("notified by HLI", text, StringComparison.Ordinal);
        Assert.DoesNotContain(["Example", "Jordan", "9434765919", "A1234BC"], p => text.Contains(p, StringComparison.Ordinal));
    }

    // No fixed abode

    [Fact]
    public void A_release_to_no_fixed_abode_is_flagged_with_advice_on_meeting_and_reaching_the_person()
    {
        var text = Flag(ReleaseOst(j => j["dir"]!["releasePlan"]!["accommodation"] = "no-fixed-abode"), SafetyFlags.NoFixedAbode).Text;
        Assert.Contains("where to meet", text, StringComparison.Ordinal);
        Assert.Contains("how to reach", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("settled")]
    [InlineData("temporary")]
    [InlineData("unknown")]
    public void A_release_to_other_accommodation_is_not_flagged_as_no_fixed_abode(string accommodation) =>
        Assert.DoesNotContain(SafetyFlags.NoFixedAbode, Codes(ReleaseOst(j => j["dir"]!["releasePlan"]!["accommodation"] = accommodation)));

    [Fact]
    public void A_reception_with_no_fixed_abode_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.NoFixedAbode, Codes(ReleaseOst(j =>
        {
            j["event"]!["type"] = "reception";
            j["event"]!.AsObject().Remove("plannedRelease");
            j["dir"]!["releasePlan"]!["accommodation"] = "no-fixed-abode";
        })));

    // No GP

    [Fact]
    public void A_release_with_no_GP_practice_is_flagged_with_advice_to_register_and_who_holds_the_record()
    {
        var text = Flag(ReleaseOst(WithoutGp), SafetyFlags.NoGp).Text;
        Assert.Contains("register with a GP", text, StringComparison.Ordinal);
        Assert.Contains("CJIT of the release area holds the record", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_notice_with_no_GP_practice_is_flagged() =>
        Assert.Contains(SafetyFlags.NoGp, Codes(Notice("2026-01-02T09:00:00+00:00", WithoutGp)));

    [Fact]
    public void A_release_with_a_GP_practice_is_not_flagged_for_no_GP() =>
        Assert.DoesNotContain(SafetyFlags.NoGp, Codes(ReleaseOst()));

    [Fact]
    public void A_reception_with_no_GP_practice_is_not_flagged() =>
        Assert.DoesNotContain(SafetyFlags.NoGp, Codes(ReleaseOst(j =>
        {
            j["event"]!["type"] = "reception";
            j["event"]!.AsObject().Remove("plannedRelease");
            WithoutGp(j);
        })));
}
