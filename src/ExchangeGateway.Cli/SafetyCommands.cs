using System.CommandLine;
using ExchangeGateway.SafetyCase;

namespace ExchangeGateway.Cli;

/// <summary>exg safety report and check: the clinical hazard log for a clinical safety officer, and its drift check.</summary>
public static class SafetyCommands
{
    private static readonly string DefaultLog = Path.Combine("docs", "clinical-safety", "hazard-log.yaml");

    /// <summary>The commands, writing to the given writers.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        return new Command("safety", "The clinical safety case: the hazard log (DCB0129), its controls and the tests that guard them.")
        {
            Report(output),
            Check(output, error),
        };
    }

    private static Option<string> LogOption() => new("--log") { Description = "The hazard log (YAML).", DefaultValueFactory = _ => DefaultLog };

    private static Command Report(TextWriter output)
    {
        var log = LogOption();
        var results = new Option<string[]>("--results") { Description = "Test results (TRX, from dotnet test --logger trx): each test's outcome is shown; give it once per file." };
        var format = new Option<string>("--format") { Description = "md or html.", DefaultValueFactory = _ => "md" };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the report here instead of standard output." };
        var command = new Command("report", "Print the hazard log: each hazard's cause, effect, harm, risks and controls, with its tests (and their results).") { log, results, format, outFile };
        command.SetAction(parse =>
        {
            var hazardLog = Load(parse.GetValue(log)!);
            TestResults? outcomes = null;
            if (parse.GetValue(results) is { Length: > 0 } files)
            {
                try
                {
                    outcomes = TestResults.LoadTrx(files);
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--results: {ex.Message}");
                }
            }

            var text = parse.GetValue(format) switch
            {
                "md" => SafetyReport.Markdown(hazardLog, outcomes),
                "html" => SafetyReport.Html(hazardLog, outcomes),
                var other => throw new UsageException($"--format {other}: md or html"),
            };
            if (parse.GetValue(outFile) is { } path)
            {
                File.WriteAllText(path, text);
            }
            else
            {
                output.Write(text);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check(TextWriter output, TextWriter error)
    {
        var log = LogOption();
        var tests = new Option<string>("--tests") { Description = "The folder of the solution's test sources.", DefaultValueFactory = _ => "tests" };
        var command = new Command("check", "Check the hazard log against the test sources: controls for every hazard, tests for every control, each test existing and not skipped, ratings on the matrix.") { log, tests };
        command.SetAction(parse =>
        {
            var hazardLog = Load(parse.GetValue(log)!);
            var folder = parse.GetValue(tests)!;
            if (!Directory.Exists(folder))
            {
                throw new UsageException($"--tests: {folder} is not a folder");
            }

            var problems = HazardLogCheck.Problems(hazardLog, TestCatalogue.Scan(folder));
            foreach (var problem in problems)
            {
                error.WriteLine($"error: {problem}");
            }

            output.WriteLine($"{hazardLog.Hazards.Count} hazards, {hazardLog.Tests.Count()} tests named: {(problems.Count == 0 ? "consistent with the tests" : $"{problems.Count} problem(s)")}");
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
        });
        return command;
    }

    private static HazardLog Load(string path)
    {
        try
        {
            return HazardLog.Load(path);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--log: {ex.Message}");
        }
    }
}
