namespace ExchangeGateway.Fuzz.Tests;

/// <summary>
/// Every input the harness ever recorded as failing (regressions/TARGET-HASH.bin, copied from a failures folder), replayed
/// through its target: each was an unhandled exception once and must now be a documented outcome. The signed-data ones
/// were signed with certs-dev, which the targets use, and stay current until those certificates expire.
/// </summary>
public sealed class RecordedFailureTests(CorpusFixture seeds) : IClassFixture<CorpusFixture>
{
    public static TheoryData<string> Inputs => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "regressions"), "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_recorded_failing_input_now_meets_its_targets_documented_outcome(string file)
    {
        var name = FuzzTarget.All.Select(t => t.Name).Single(n => file.StartsWith(n + "-", StringComparison.Ordinal));
        using var target = FuzzTarget.All.Single(t => t.Name == name).Create(seeds.Corpus);

        target.Run(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "regressions", file)));
    }
}
