namespace ExchangeGateway.SafetyCase.Tests;

/// <summary>The hazard log in docs/clinical-safety against the solution's tests: it must not drift from the code.</summary>
public sealed class HazardLogTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string LogPath = Path.Combine(Root, "docs", "clinical-safety", "hazard-log.yaml");
    private static readonly string[] RequiredHazards = [.. Enumerable.Range(1, 16).Select(i => $"H{i:D2}")];

    [Fact]
    public void Every_hazard_has_controls_and_every_control_tests_that_exist_in_the_solution_and_are_not_skipped()
    {
        var log = HazardLog.Load(LogPath);
        var tests = TestCatalogue.Scan(Path.Combine(Root, "tests"));

        var problems = HazardLogCheck.Problems(log, tests);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Subset(log.Hazards.Select(h => h.Id).ToHashSet(), RequiredHazards.ToHashSet());
        Assert.All(log.Hazards, hazard => Assert.NotEmpty(hazard.Controls));
        Assert.True(tests.Count > 1000, $"only {tests.Count} tests found under tests/");
    }

    [Fact]
    public void Renaming_a_test_the_log_names_makes_the_check_fail_naming_it()
    {
        var log = HazardLog.Load(LogPath);
        var named = log.Tests.First();
        var found = TestCatalogue.Scan(Path.Combine(Root, "tests")).Find(named)!;
        var method = named[(named.LastIndexOf('.') + 1)..];
        using var copy = new CopiedTests(Path.Combine(Root, "tests"));
        var file = Path.Combine(copy.Path, Path.GetRelativePath(Path.Combine(Root, "tests"), found.File));
        File.WriteAllText(file, File.ReadAllText(file).Replace(" " + method + "(", " " + method + "_renamed(", StringComparison.Ordinal));

        var problems = HazardLogCheck.Problems(log, TestCatalogue.Scan(copy.Path));

        Assert.Contains(problems, p => p.Contains($"test {named} does not exist in the solution", StringComparison.Ordinal));
    }

    [Fact]
    public void A_named_test_that_is_skipped_a_control_without_tests_a_hazard_without_controls_and_a_rating_off_the_matrix_are_each_named()
    {
        var tests = TestCatalogue.Of("""
            namespace Safety.Tests;
            public sealed class Checks
            {
                [Fact(Skip = "flaky")]
                public void Skipped() { }

                [Theory]
                [InlineData(1)]
                public void Runs(int n) { }
            }
            """);
        var log = HazardLog.Parse("""
            matrix: test
            hazards:
              - id: H01
                title: one
                cause: c
                effect: e
                harm: h
                initial: {severity: major, likelihood: medium, risk: 4}
                controls:
                  - id: C01a
                    kind: rule
                    description: d
                    tests: [Safety.Tests.Checks.Skipped, Safety.Tests.Checks.Runs]
                  - id: C01b
                    kind: rule
                    description: d
                    tests: []
                residual: {severity: major, likelihood: low, risk: 2}
              - id: H02
                title: two
                cause: c
                effect: e
                harm: h
                initial: {severity: grave, likelihood: low, risk: 3}
                controls: []
                residual: {severity: minor, likelihood: low, risk: 1}
            """);

        var problems = HazardLogCheck.Problems(log, tests);

        Assert.Equal(
            [
                "H01 (one): the residual risk is 2 but the matrix gives 3 for major and low",
                "H01 (one), control C01a: test Safety.Tests.Checks.Skipped is skipped (\"flaky\") at source.cs:5",
                "H01 (one), control C01b: no test shows it works",
                "H02 (two): the initial rating 'grave, low' is not on the matrix (severity minor|significant|considerable|major|catastrophic; likelihood very-low|low|medium|high|very-high)",
                "H02 (two): no control",
            ],
            problems);
    }

    [Fact]
    public void The_safety_cases_hazard_summary_lists_every_hazard_with_the_logs_risks()
    {
        var log = HazardLog.Load(LogPath);
        var rows = File.ReadAllLines(Path.Combine(Root, "docs", "clinical-safety", "safety-case.md")).Where(line => line.StartsWith("| H", StringComparison.Ordinal)).ToList();

        Assert.Equal(log.Hazards.Select(h => $"| {h.Id} {h.Title} | {h.Initial} | {h.Residual} |"), rows);
    }

    [Fact]
    public void An_unknown_key_in_the_log_is_refused_naming_its_line()
    {
        var error = Assert.Throws<FormatException>(() => HazardLog.Parse("matrix: test\nhazards:\n  - id: H01\n    titel: typo\n"));

        Assert.StartsWith("line 4:", error.Message, StringComparison.Ordinal);
        Assert.Contains("titel", error.Message, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ExchangeGateway.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (ExchangeGateway.sln) is not above " + AppContext.BaseDirectory);
    }

    // The solution's test sources copied, so one can be changed as a rename would.
    private sealed class CopiedTests : IDisposable
    {
        public CopiedTests(string from)
        {
            Path = Directory.CreateTempSubdirectory("exg-safety-").FullName;
            foreach (var file in Directory.EnumerateFiles(from, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
            {
                var target = System.IO.Path.Combine(Path, System.IO.Path.GetRelativePath(from, file));
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
