using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class SubmissionRulesTests
{
    private static Submission Transfer(Prescribing? prescribing, string? to = "SFI", ConsentOverride? over = null) => new(
        "0b7e4d2c-1f3a-4c5b-8d6e-9f0a1b2c3d4e",
        new SubmissionEvent(EventTypes.Transfer, "2026-02-04T07:15:00+00:00", "BMI", to),
        new Dir(
            "DIR-1",
            new Assessment("2026-01-20", "transfer", new Practitioner("Priya Shah")),
            new Client("Sample", "Alex", "1979-02-14", "female", NhsNumber: "4010232137"),
            null,
            [],
            null,
            null,
            null,
            null,
            null,
            null,
            new Consent("2026-01-20T10:00:00+00:00", ["prison"], Override: over)),
        prescribing);

    private static Prescription Methadone(string? status) =>
        new("methadone-oral-solution-1mg-ml", null, new Dose(60, "mg"), "daily", true, "2025-11-02", null, status, new Practitioner("Dr A Patel"));

    [Fact]
    public void A_person_with_an_active_methadone_prescription_is_on_OST_even_without_onOst() =>
        Assert.True(SubmissionRules.IsOnOst(new Prescribing(Prescriptions: [Methadone("active")])));

    [Fact]
    public void A_stopped_methadone_prescription_alone_is_not_OST() =>
        Assert.False(SubmissionRules.IsOnOst(new Prescribing(Prescriptions: [Methadone("stopped")])));

    [Theory]
    [InlineData("methadone-oral-solution-1mg-ml", null, true)]
    [InlineData("methadone-oral-solution-1mg-ml", "reducing", true)]
    [InlineData("buprenorphine-sublingual", "active", true)]
    [InlineData("buprenorphine-prolonged-release-injection", "active", true)]
    [InlineData("buprenorphine-naloxone-sublingual", "active", true)]
    [InlineData("buprenorphine-sublingual", "completed", false)]
    [InlineData("diazepam-tablets", "active", false)]
    public void Only_a_methadone_or_buprenorphine_prescription_still_running_makes_a_person_on_OST(string medication, string? status, bool onOst) =>
        Assert.Equal(onOst, SubmissionRules.IsOnOst(new Prescribing(Prescriptions: [Methadone(status) with { Medication = medication }])));

    [Fact]
    public void A_release_of_someone_on_OST_beside_another_medicine_without_the_last_dose_is_refused_naming_the_field()
    {
        // One running OST prescription among others is enough: the check is for any of them, not all.
        var prescribing = new Prescribing(Prescriptions: [Methadone("active") with { Medication = "diazepam-tablets" }, Methadone("active")]);

        Assert.True(SubmissionRules.IsOnOst(prescribing));
        Assert.Contains(SubmissionRules.Check(Transfer(prescribing)), e => e.Path == "prescribing.lastDose");
    }

    [Fact]
    public void No_prescribing_at_all_is_not_OST_and_onOst_true_is_even_without_prescriptions()
    {
        Assert.False(SubmissionRules.IsOnOst(null));
        Assert.False(SubmissionRules.IsOnOst(new Prescribing()));
        Assert.True(SubmissionRules.IsOnOst(new Prescribing(OnOst: true)));
        Assert.False(SubmissionRules.IsOnOst(new Prescribing(OnOst: false, Prescriptions: [Methadone("stopped")])));
    }

    [Fact]
    public void Transfer_on_OST_without_last_dose_names_prescribing_lastDose()
    {
        var errors = SubmissionRules.Check(Transfer(new Prescribing(Prescriptions: [Methadone("active")])));
        Assert.Contains(errors, e => e.Path == "prescribing.lastDose");
    }

    [Fact]
    public void Transfer_without_destination_names_event_to() =>
        Assert.Contains(SubmissionRules.Check(Transfer(null, to: null)), e => e.Path == "event.to");

    [Theory]
    [InlineData("n/a")]
    [InlineData("xxxxxxxxxxxx")]
    [InlineData("override override override")]
    [InlineData("          ")]
    public void A_placeholder_override_justification_is_refused(string justification)
    {
        var over = new ConsentOverride("vital-interests", new Practitioner("Dr R Jones"), justification);
        Assert.Contains(SubmissionRules.Check(Transfer(null, over: over)), e => e.Path == "dir.consent.override.justification");
    }

    [Fact]
    public void A_real_override_justification_is_accepted()
    {
        var over = new ConsentOverride("vital-interests", new Practitioner("Dr R Jones"), "Immediate overdose risk on release.");
        Assert.Empty(SubmissionRules.Check(Transfer(null, over: over)));
    }
}
