using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class ConsentPolicyTests
{
    private static readonly ConsentOverride VitalInterests = new(
        "vital-interests",
        new Practitioner("Dr R Jones", "Caldicott guardian", "GMC 1234567"),
        "Immediate overdose risk on release with reduced tolerance.");

    private static Submission Consenting(IReadOnlyList<string> shareWith, string? withdrawnAt = null, ConsentOverride? over = null) =>
        Samples.WithConsent(new Consent("2026-03-06T11:00:00+00:00", shareWith, withdrawnAt, over));

    [Fact]
    public void A_consented_recipient_type_is_shared()
    {
        var decision = ConsentPolicy.Decide(Consenting([AgencyTypes.Cjit, AgencyTypes.Gp]), AgencyTypes.Gp);

        Assert.Equal(ConsentOutcome.Shared, decision.Outcome);
        Assert.Equal(AgencyTypes.Gp, decision.RecipientType);
        Assert.True(decision.MayShare);
        Assert.Null(decision.LegalBasis);
    }

    [Fact]
    public void A_recipient_type_without_consent_or_override_is_withheld()
    {
        var decision = ConsentPolicy.Decide(Consenting([AgencyTypes.Gp]), AgencyTypes.Cjit);

        Assert.Equal(ConsentOutcome.Withheld, decision.Outcome);
        Assert.False(decision.MayShare);
    }

    [Fact]
    public void An_override_shares_without_consent_and_carries_its_legal_basis_authoriser_and_justification()
    {
        var decision = ConsentPolicy.Decide(Consenting([AgencyTypes.Gp], over: VitalInterests), AgencyTypes.Cjit);

        Assert.Equal(ConsentOutcome.Overridden, decision.Outcome);
        Assert.True(decision.MayShare);
        Assert.Equal("vital-interests", decision.LegalBasis);
        Assert.Equal("Dr R Jones", decision.AuthorisedBy);
        Assert.Equal("Immediate overdose risk on release with reduced tolerance.", decision.Justification);
    }

    [Fact]
    public void Consent_is_enough_even_when_an_override_is_recorded()
    {
        var decision = ConsentPolicy.Decide(Consenting([AgencyTypes.Cjit], over: VitalInterests), AgencyTypes.Cjit);

        Assert.Equal(ConsentOutcome.Shared, decision.Outcome);
        Assert.Null(decision.AuthorisedBy);
    }

    [Fact]
    public void Withdrawal_beats_an_override()
    {
        var decision = ConsentPolicy.Decide(Consenting([], "2026-03-12T16:45:30+01:00", VitalInterests), AgencyTypes.Cjit);

        Assert.Equal(ConsentOutcome.Withdrawn, decision.Outcome);
        Assert.False(decision.MayShare);
        Assert.Null(decision.LegalBasis);
        Assert.Null(decision.AuthorisedBy);
        Assert.Null(decision.Justification);
    }

    [Theory]
    [InlineData(AgencyTypes.Prison)]
    [InlineData(AgencyTypes.Cjit)]
    [InlineData(AgencyTypes.CommunityTreatment)]
    [InlineData(AgencyTypes.Gp)]
    public void Withdrawal_beats_consent_for_every_recipient_type(string recipientType)
    {
        var all = new[] { AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp };

        var decision = ConsentPolicy.Decide(Consenting(all, "2026-03-12T16:45:30+01:00"), recipientType);

        Assert.Equal(ConsentOutcome.Withdrawn, decision.Outcome);
    }

    [Fact]
    public void Reasons_are_plain_sentences_without_personal_data()
    {
        var cases = new[]
        {
            ConsentPolicy.Decide(Consenting([AgencyTypes.Gp]), AgencyTypes.Gp),
            ConsentPolicy.Decide(Consenting([AgencyTypes.Gp]), AgencyTypes.Cjit),
            ConsentPolicy.Decide(Consenting([AgencyTypes.Gp], over: VitalInterests), AgencyTypes.Cjit),
            ConsentPolicy.Decide(Consenting([AgencyTypes.Gp], "2026-03-12T16:45:30+01:00", VitalInterests), AgencyTypes.Cjit),
        };

        var client = Samples.Release().Dir!.Client;
        foreach (var decision in cases)
        {
            Assert.EndsWith(".", decision.Reason, StringComparison.Ordinal);
            Assert.True(char.IsUpper(decision.Reason[0]), decision.Reason);
            foreach (var personal in new[] { client.Surname, client.Forenames, client.NhsNumber!, client.PrisonNumber!, "Dr R Jones", "GMC", "overdose risk", "2026-03-12" })
            {
                Assert.DoesNotContain(personal, decision.Reason, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void An_unknown_recipient_type_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentPolicy.Decide(Consenting([AgencyTypes.Gp]), "pharmacy"));
}
