using System.CommandLine;
using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;

namespace ExchangeGateway.Cli;

/// <summary>map, unmap and validate: between submissions and FHIR documents.</summary>
public static class DocumentCommands
{
    private const long MaxBundleBytes = 16 * 1024 * 1024;

    /// <summary>The commands, writing to the given writers.</summary>
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        yield return Map(output, error);
        yield return Unmap(output, error);
        yield return Validate(output, error);
    }

    private static Option<string?> OutOption() => new("--out", "-o") { Description = "Write to this file instead of standard output." };

    private static Command Map(TextWriter output, TextWriter error)
    {
        var submission = new Argument<string>("SUBMISSION") { Description = "A submission JSON file (shared/spec/submission.schema.json)." };
        var outFile = OutOption();
        var terminology = new Option<string?>("--terminology")
        {
            Description = "A deployment's map file (an R4 ConceptMap or a Bundle of them, e.g. dm+d from the NHSBSA release) whose national codings go beside the local ones, over the embedded maps.",
        };
        var command = new Command("map", "Check a submission and map it to a FHIR R4 document Bundle.") { submission, outFile, terminology };
        command.SetAction(parse =>
        {
            NationalCodes nationalCodes;
            try
            {
                nationalCodes = parse.GetValue(terminology) is { } file ? NationalCodes.Embedded.With(file, ProfileSet.Embedded) : NationalCodes.Embedded;
            }
            catch (TerminologyFileException ex)
            {
                return Invalid(error, [ex.Message]);
            }

            var result = SubmissionReader.Read(InputFiles.Read(parse.GetValue(submission)!, SubmissionReader.MaxBytes + 1), DateOnly.FromDateTime(DateTime.Now));
            if (!result.IsValid)
            {
                return Invalid(error, result.Errors.Select(e => e.ToString()));
            }

            var json = new ReleaseSummaryMapper(ProfileSet.Embedded, nationalCodes).MapToJson(result.Submission!);
            InputFiles.Write(parse.GetValue(outFile), json, output);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Unmap(TextWriter output, TextWriter error)
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "A FHIR R4 document Bundle made by 'exg map'." };
        var outFile = OutOption();
        var command = new Command("unmap", "Turn a FHIR document back into the submission it carries.") { bundle, outFile };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(bundle)!;
            var json = Encoding.UTF8.GetString(InputFiles.Read(path, MaxBundleBytes));
            if (!FhirDocumentJson.TryParse(json, out var document, out var problem))
            {
                return Invalid(error, [problem!]);
            }

            try
            {
                InputFiles.Write(parse.GetValue(outFile), SubmissionJson.Serialize(SubmissionUnmapper.Unmap(document!)), output);
                return ExitCodes.Ok;
            }
            catch (UnmapException ex)
            {
                return Invalid(error, [ex.Message]);
            }
        });
        return command;
    }

    private static Command Validate(TextWriter output, TextWriter error)
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "A FHIR R4 document Bundle." };
        var command = new Command("validate", "Check a FHIR document with Firely's validator against R4 core and the project's profiles (profiles/).") { bundle };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(bundle)!;
            var issues = DocumentValidator.Embedded.ValidateJson(Encoding.UTF8.GetString(InputFiles.Read(path, MaxBundleBytes)));
            foreach (var issue in issues)
            {
                error.WriteLine(issue);
            }

            if (issues.Any(i => i.IsError))
            {
                return ExitCodes.InvalidInput;
            }

            output.WriteLine(issues.Count == 0 ? $"{path}: valid" : $"{path}: valid, with {issues.Count} warning(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Invalid(TextWriter error, IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            error.WriteLine($"error: {problem}");
        }

        return ExitCodes.InvalidInput;
    }
}
