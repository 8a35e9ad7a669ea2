namespace ExchangeGateway.Domain.Tests;

/// <summary>The safety flags at their edges (mutation survivors): who counts as using opioids, the overdose warning's words, bad times named.</summary>
public sealed class SafetyFlagEdgeTests
{
    private static readonly Submission Release = Samples.Release();

    private static Submission NotOnOst(params string[] substances) => Release with
    {
        Prescribing = null,
        Dir = Release.Dir! with { Substances = [.. substances.Select((s, i) => new SubstanceUse(i + 1, s))] },
    };

    [Fact]
    public void One_opioid_among_other_substances_makes_a_person_an_opioid_user_and_a_reply_without_a_dir_is_not_one()
    {
        Assert.True(SafetyFlags.UsesOpioids(NotOnOst("cannabis", "heroin")));
        Assert.False(SafetyFlags.UsesOpioids(NotOnOst("cannabis", "alcohol")));
        Assert.False(SafetyFlags.UsesOpioids(Release with { Dir = null, Prescribing = null }));
    }

    [Fact]
    public void The_overdose_warning_of_a_release_says_the_first_two_weeks_and_names_both_risks()
    {
        var s = Release with { Dir = Release.Dir! with { Risks = new Risks("high", true, false) } };

        var flag = Assert.Single(SafetyFlags.Raise(s), f => f.Code == SafetyFlags.OverdoseRisk);

        Assert.Equal(
            "Reduced opioid tolerance and a high overdose risk are recorded. The risk of a drug-related death is highest in the first two weeks after release: make sure naloxone and overdose advice are given.",
            flag.Text);
    }

    [Fact]
    public void Flags_are_raised_only_for_a_submission_and_a_first_notice_time_with_an_offset()
    {
        Assert.Throws<ArgumentNullException>(() => SafetyFlags.Raise(null!));
        Assert.Throws<ArgumentNullException>(() => SafetyFlags.UsesOpioids(null!));
        Assert.Throws<ArgumentNullException>(() => SafetyFlags.ReleaseDate(null!));
        Assert.Throws<ArgumentNullException>(() => SafetyFlags.IsUnplannedRelease(null!));
        var error = Assert.Throws<ArgumentException>(() => SafetyFlags.Raise(Release, "2026-03-11T10:00:00"));
        Assert.StartsWith("must be a date-time with an offset, e.g. 2026-03-11T10:00:00+00:00", error.Message, StringComparison.Ordinal);
        Assert.Equal("firstNotifiedAt", error.ParamName);
    }
}
