namespace ExchangeGateway.Fuzz.Tests;

/// <summary>The seeds, made once for all the smoke tests (sealing and the audit export take about a second).</summary>
public sealed class CorpusFixture
{
    internal Corpus Corpus { get; } = Corpus.Build();
}

/// <summary>
/// A bounded slice of the fuzz harness in the suite: every target, a fixed seed, a few hundred inputs each (seconds in
/// all), no unhandled exception. The million-input run is outside CI (fuzz/ExchangeGateway.Fuzz/README.md).
/// </summary>
public sealed class FuzzSmokeTests(CorpusFixture seeds) : IClassFixture<CorpusFixture>
{
    private const ulong Seed = 20260313;

    public static TheoryData<string, int> Targets => new()
    {
        { "reader", 600 },
        { "response", 600 },
        { "map", 300 },
        { "validate", 60 },
        { "package", 300 },
        { "signed-data", 300 },
        { "audit-export", 300 },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Generated_inputs_never_escape_the_targets_documented_outcome(string target, int inputs)
    {
        var report = FuzzRunner.Run(seeds.Corpus, target, inputs, Seed, workers: 1, failuresFolder: null);

        Assert.Equal(inputs, report.Inputs);
        Assert.True(report.Failures == 0, $"{report.Failures} unhandled: {string.Join("; ", report.DistinctFailures)}");
    }

    [Fact]
    public void Every_target_has_seeds_and_runs_them_unchanged_without_failing()
    {
        // The seeds are real (Corpus.Build opens every package and reads every example); here each target must take them as they are.
        foreach (var (name, _, create) in FuzzTarget.All)
        {
            using var target = create(seeds.Corpus);
            Assert.NotEmpty(target.Seeds);
            foreach (var seed in target.Seeds)
            {
                target.Run(seed);
            }
        }
    }

    [Fact]
    public void The_same_seed_generates_the_same_inputs()
    {
        var script = Mutations.For(InputShape.Json);
        var first = script.Generate(new CsCheck.PCG(7, Seed), null, out _);
        var second = script.Generate(new CsCheck.PCG(7, Seed), null, out _);

        Assert.Equal(Mutations.Apply(seeds.Corpus.Submissions[0], first), Mutations.Apply(seeds.Corpus.Submissions[0], second));
    }
}
