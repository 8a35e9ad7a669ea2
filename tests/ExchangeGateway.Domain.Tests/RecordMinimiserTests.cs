using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class RecordMinimiserTests
{
    private static readonly Submission Full = Samples.Release();

    private static Submission Cjit => RecordMinimiser.For(Full, AgencyTypes.Cjit);

    [Fact]
    public void The_prison_copy_is_the_whole_record() => Assert.Same(Full, RecordMinimiser.For(Full, AgencyTypes.Prison));

    [Fact]
    public void Cjit_copy_has_no_bbv_results() => Assert.Null(Cjit.Dir!.Risks!.Bbv);

    [Fact]
    public void Cjit_copy_keeps_only_the_overdose_and_self_harm_risks() =>
        Assert.Equal(new Risks("high", true, false), Cjit.Dir!.Risks);

    [Fact]
    public void Cjit_copy_without_an_overdose_or_self_harm_risk_has_no_risks()
    {
        var s = Full with { Dir = Full.Dir! with { Risks = new Risks(MentalHealthNeed: true, Bbv: new BloodBorneVirusStatus("positive")) } };
        Assert.Null(RecordMinimiser.For(s, AgencyTypes.Cjit).Dir!.Risks);
    }

    [Fact]
    public void Cjit_prescriptions_keep_only_medication_and_dose()
    {
        var prescription = Assert.Single(Cjit.Prescribing!.Prescriptions!);
        Assert.Equal(new Prescription("methadone-oral-solution-1mg-ml", "Methadone 1mg/ml", new Dose(60, "mg"), null, null, null, null, null, null), prescription);
    }

    [Fact]
    public void Cjit_last_dose_keeps_medication_dose_and_the_date_only() =>
        Assert.Equal(new LastDose("methadone-oral-solution-1mg-ml", new Dose(60, "mg"), "2026-03-13"), Cjit.Prescribing!.LastDose);

    [Fact]
    public void Cjit_copy_has_no_bridging_prescription_or_naloxone_but_says_whether_on_OST()
    {
        Assert.Null(Cjit.Prescribing!.BridgingPrescription);
        Assert.Null(Cjit.Prescribing.Naloxone);
        Assert.True(Cjit.Prescribing.OnOst);
    }

    [Fact]
    public void Cjit_copy_with_only_bridging_and_naloxone_has_no_prescribing()
    {
        var s = Full with { Prescribing = Full.Prescribing! with { OnOst = null, Prescriptions = null, LastDose = null } };
        Assert.Null(RecordMinimiser.For(s, AgencyTypes.Cjit).Prescribing);
    }

    [Fact]
    public void Cjit_copy_with_an_empty_prescription_list_and_nothing_else_has_no_prescribing()
    {
        var s = Full with { Prescribing = Full.Prescribing! with { OnOst = null, Prescriptions = [], LastDose = null } };
        Assert.Null(RecordMinimiser.For(s, AgencyTypes.Cjit).Prescribing);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void Cjit_copy_keeps_its_prescribing_block_when_any_one_of_on_OST_a_prescription_or_the_last_dose_is_known(bool onOst, bool prescription, bool lastDose)
    {
        // Each alone is something the CJIT needs to be safe: a copy that dropped it would read as "no medication known".
        var full = Full.Prescribing!;
        var s = Full with
        {
            Prescribing = new Prescribing(
                OnOst: onOst ? false : null,
                Prescriptions: prescription ? full.Prescriptions : [],
                LastDose: lastDose ? full.LastDose : null,
                BridgingPrescription: full.BridgingPrescription,
                Naloxone: full.Naloxone),
        };

        var kept = RecordMinimiser.For(s, AgencyTypes.Cjit).Prescribing;

        Assert.NotNull(kept);
        Assert.Equal(onOst ? false : null, kept.OnOst);
        Assert.Equal(prescription, kept.Prescriptions is { Count: > 0 });
        Assert.Equal(lastDose, kept.LastDose is not null);
    }

    [Fact]
    public void Cjit_copy_has_no_keyworker_notes_but_keeps_the_offence()
    {
        Assert.Null(Cjit.Dir!.KeyworkerNotes);
        Assert.Equal(Full.Dir!.Offence, Cjit.Dir!.Offence);
    }

    [Fact]
    public void Cjit_copy_keeps_identity_custody_substances_treatment_release_plan_and_consent()
    {
        var expected = Full.Dir! with { Risks = Cjit.Dir!.Risks, KeyworkerNotes = null };
        Assert.Equal(expected, Cjit.Dir);
        Assert.Equal(Full.Event, Cjit.Event);
        Assert.Equal(Full.SubmissionId, Cjit.SubmissionId);
    }

    [Theory]
    [InlineData(AgencyTypes.Gp)]
    [InlineData(AgencyTypes.CommunityTreatment)]
    public void Gp_and_community_treatment_copies_have_everything_but_offence_and_keyworker_notes(string recipientType)
    {
        var copy = RecordMinimiser.For(Full, recipientType);

        Assert.Equal(Full with { Dir = Full.Dir! with { Offence = null, KeyworkerNotes = null } }, copy);
        Assert.NotNull(copy.Dir!.Risks!.Bbv);
        Assert.NotNull(copy.Prescribing!.BridgingPrescription);
    }

    [Fact]
    public void Gp_and_community_treatment_share_one_view_and_each_type_gets_its_views_copy()
    {
        Assert.Equal(RecordMinimiser.ViewOf(AgencyTypes.Gp), RecordMinimiser.ViewOf(AgencyTypes.CommunityTreatment));
        Assert.Equal(3, new[] { AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.Gp }.Select(RecordMinimiser.ViewOf).Distinct().Count());

        // The CJIT's copy builds new lists (record equality compares them by reference); its content is pinned above.
        foreach (var type in new[] { AgencyTypes.Prison, AgencyTypes.Gp, AgencyTypes.CommunityTreatment })
        {
            Assert.Equal(RecordMinimiser.For(Full, RecordMinimiser.ViewOf(type)), RecordMinimiser.For(Full, type));
        }
    }

    [Fact]
    public void An_unknown_recipient_type_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RecordMinimiser.For(Full, "pharmacy"));
}
