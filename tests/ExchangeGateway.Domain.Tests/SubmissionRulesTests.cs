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
