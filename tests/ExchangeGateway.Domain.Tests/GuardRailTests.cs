namespace ExchangeGateway.Domain.Tests;

/// <summary>
/// The refusals at the edges of consent, minimisation and the person rules: each names what was wrong, so a fault that
/// silenced one would be seen (found by mutation testing: these cases had no test).
/// </summary>
public sealed class GuardRailTests
{
    private static readonly Submission Full = Samples.Release();

    [Fact]
    public void The_types_not_shared_are_every_type_not_consented_to_in_name_order()
    {
        var gpOnly = Samples.WithConsent(new Consent("2026-03-06T11:00:00+00:00", [AgencyTypes.Gp]));

        Assert.Equal([AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Prison], ConsentPolicy.TypesNotShared(gpOnly));
        Assert.Empty(ConsentPolicy.TypesNotShared(Samples.WithConsent(new Consent("2026-03-06T11:00:00+00:00", [AgencyTypes.Gp, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Prison]))));
    }

    [Fact]
    public void Consent_is_decided_only_for_a_record_and_a_recipient_type_of_the_contract()
    {
        var reply = Full with { Dir = null };

        Assert.Throws<ArgumentNullException>(() => ConsentPolicy.Decide(null!, AgencyTypes.Gp));
        Assert.Contains("not a recipient type of the contract", Assert.Throws<ArgumentOutOfRangeException>(() => ConsentPolicy.Decide(Full, "pharmacy")).Message, StringComparison.Ordinal);
        Assert.StartsWith("a reply carries no DIR consent to decide on", Assert.Throws<ArgumentException>(() => ConsentPolicy.Decide(reply, AgencyTypes.Gp)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_is_made_only_of_a_record_for_a_recipient_type_of_the_contract()
    {
        Assert.Throws<ArgumentNullException>(() => RecordMinimiser.For(null!, AgencyTypes.Gp));
        Assert.Contains("not a recipient type", Assert.Throws<ArgumentOutOfRangeException>(() => RecordMinimiser.For(Full, "pharmacy")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_view_that_is_not_one_of_the_three_is_refused() =>
        Assert.Contains("not a record view", Assert.Throws<ArgumentOutOfRangeException>(() => RecordMinimiser.For(Full, (RecordView)99)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_cjit_copy_keeps_a_last_dose_time_shorter_than_a_date_as_it_is()
    {
        // The contract's date-times are longer; the cut to the date must not fail on anything shorter.
        var s = Full with { Prescribing = Full.Prescribing! with { LastDose = Full.Prescribing.LastDose! with { AdministeredAt = "2026-03" } } };

        Assert.Equal("2026-03", RecordMinimiser.For(s, AgencyTypes.Cjit).Prescribing!.LastDose!.AdministeredAt);
    }

    [Fact]
    public void A_cjit_copy_of_a_record_without_risks_or_prescribing_has_neither()
    {
        var bare = Full with { Dir = Full.Dir! with { Risks = null }, Prescribing = null };

        var copy = RecordMinimiser.For(bare, AgencyTypes.Cjit);

        Assert.Null(copy.Dir!.Risks);
        Assert.Null(copy.Prescribing);
    }

    [Fact]
    public void An_override_without_who_authorised_it_is_refused_naming_the_field()
    {
        var over = new ConsentOverride("vital-interests", new Practitioner(" "), "Immediate overdose risk on release.");
        var s = Full with { Dir = Full.Dir! with { Consent = Full.Dir.Consent with { Override = over } } };

        Assert.Contains(new ValidationError("dir.consent.override.authorisedBy.name", "an override must name the person who authorised it"), SubmissionRules.Check(s));
    }

    [Fact]
    public void Two_substances_of_one_rank_are_refused_naming_the_second()
    {
        var substances = Full.Dir!.Substances;
        Assert.NotEmpty(substances);
        var s = Full with { Dir = Full.Dir with { Substances = [substances[0], substances[0] with { }] } };

        Assert.Contains(new ValidationError("dir.substances[1].rank", $"rank {substances[0].Rank} is given to more than one substance"), SubmissionRules.Check(s));
    }

    [Fact]
    public void A_repeated_digit_nhs_number_and_a_person_with_no_identifier_are_each_refused_saying_why()
    {
        var client = Full.Dir!.Client;
        var placeholder = Full with { Dir = Full.Dir with { Client = client with { NhsNumber = "4444444444" } } };
        var nobody = Full with { Dir = Full.Dir with { Client = client with { NhsNumber = null, PrisonNumber = null, NhsNumberStatus = null } } };

        Assert.Contains(new ValidationError("dir.client.nhsNumber", "is one digit repeated, a placeholder rather than a real NHS number"), SubmissionRules.Check(placeholder));
        Assert.Contains(new ValidationError("dir.client", "the person needs an NHS number or a prison number"), SubmissionRules.Check(nobody));
    }
}
