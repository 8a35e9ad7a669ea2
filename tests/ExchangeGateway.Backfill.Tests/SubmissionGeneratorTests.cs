using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Backfill;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;

namespace ExchangeGateway.Backfill.Tests;

public sealed class SubmissionGeneratorTests
{
    private const int Sample = 1500;
    private static readonly DateOnly Today = new(2026, 3, 16);
    private static readonly Lazy<AgencyDirectory> DevelopmentDirectory = new(LoadDevelopmentDirectory);

    [Fact]
    public void Every_valid_generated_submission_is_accepted_by_the_intake_and_routed_to_agencies_of_the_development_directory()
    {
        var generator = new SubmissionGenerator(seed: 7, Today, invalidShare: 0.05);
        var checkedValid = 0;
        for (var i = 0; i < Sample; i++)
        {
            var made = generator.Make(i);
            if (made.Invalid is not null)
            {
                continue;
            }

            var intake = SubmissionReader.Read(Bytes(made), Today);
            Assert.True(intake.IsValid, $"{made.FileName}: {string.Join("; ", intake.Errors.Select(e => e.Path + ": " + e.Reason))}");
            var routing = RecipientRouter.Route(intake.Submission!, DevelopmentDirectory.Value, null);
            Assert.True(routing.IsRouted, $"{made.FileName}: {string.Join("; ", routing.Errors.Select(e => e.Path + ": " + e.Reason))}");
            Assert.Contains(made.From, SubmissionGenerator.Prisons);
            checkedValid++;
        }

        Assert.InRange(checkedValid, Sample * 9 / 10, Sample);
    }

    [Fact]
    public void Every_deliberately_invalid_submission_is_refused_at_the_path_its_kind_breaks()
    {
        var generator = new SubmissionGenerator(seed: 7, Today, invalidShare: 0.3);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 300; i++)
        {
            var made = generator.Make(i);
            if (made.Invalid is not { } kind)
            {
                continue;
            }

            kinds.Add(kind);
            var intake = SubmissionReader.Read(Bytes(made), Today);
            var errors = intake.IsValid ? RecipientRouter.Route(intake.Submission!, DevelopmentDirectory.Value, null).Errors : intake.Errors;
            var expected = kind switch
            {
                "nhs-check-digit" => "dir.client.nhsNumber",
                "ost-without-last-dose" => "prescribing.lastDose",
                _ => made.EventType == "transfer" ? "event.to" : "dir.releasePlan.cjitArea",
            };
            Assert.Contains(errors, e => e.Path == expected);
        }

        Assert.Equal(InvalidSubmissions.Kinds.Order(StringComparer.Ordinal), kinds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_seed_makes_the_same_files_and_another_seed_other_ones()
    {
        var first = new SubmissionGenerator(seed: 42, Today, 0.01);
        var again = new SubmissionGenerator(seed: 42, Today, 0.01);
        var other = new SubmissionGenerator(seed: 43, Today, 0.01);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(Bytes(first.Make(i)), Bytes(again.Make(i)));
            Assert.NotEqual(first.Make(i).SubmissionId, other.Make(i).SubmissionId);
        }

        Assert.Equal("0000001.json", first.Make(0).FileName);
        Assert.Equal("0100000.json", first.Make(99_999).FileName);
    }

    [Fact]
    public void The_submissions_vary_across_event_types_senders_prescriptions_and_consent()
    {
        var generator = new SubmissionGenerator(seed: 3, Today, 0);
        var made = Enumerable.Range(0, 400).Select(generator.Make).ToList();
        Assert.Equal(["reception", "release", "release-notice", "transfer"], made.Select(m => m.EventType).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(SubmissionGenerator.Prisons.Order(StringComparer.Ordinal), made.Select(m => m.From).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(made, m => m.Json["prescribing"]?["onOst"]?.GetValue<bool>() == true && m.Json["prescribing"]?["lastDose"] is not null);
        Assert.Contains(made, m => m.Json["prescribing"]?["onOst"]?.GetValue<bool>() == false);
        Assert.Contains(made, m => m.Json["prescribing"] is null);
        Assert.True(made.Select(m => m.Json["dir"]!["consent"]!["shareWith"]!.ToJsonString()).Distinct().Count() >= 8, "consent subsets should vary");
        Assert.Contains(made, m => m.EventType == "transfer" && m.Json["event"]!["to"]!.GetValue<string>() != m.From);
    }

    [Fact]
    public void Every_person_has_their_own_valid_NHS_number_and_prison_number()
    {
        var nhsNumbers = Enumerable.Range(0, 20_000).Select(PersonMaker.NhsNumberFor).ToList();
        Assert.All(nhsNumbers, n => Assert.True(NhsNumber.IsValid(n), n));
        Assert.Equal(nhsNumbers.Count, nhsNumbers.Distinct(StringComparer.Ordinal).Count());
        var prisonNumbers = Enumerable.Range(0, 200_000).Select(PersonMaker.PrisonNumberFor).ToList();
        Assert.All(prisonNumbers.Take(1000), p => Assert.Matches("^[A-Z][0-9]{4}[A-Z]{2}$", p));
        Assert.Equal(prisonNumbers.Count, prisonNumbers.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_command_line_refuses_a_missing_count_and_a_sender_that_is_not_a_prison()
    {
        using var error = new StringWriter();
        Assert.Null(BackfillOptions.Parse(["--out", "x"], error));
        Assert.Null(BackfillOptions.Parse(["--out", "x", "--count", "5", "--from", "CJIT-LEEDS"], error));
        var parsed = BackfillOptions.Parse(["--out", "x", "--count", "5", "--seed", "9", "--from", "HLI", "--today", "2026-03-16"], error);
        Assert.Equal(new DateOnly(2026, 3, 16), parsed!.Today);
        Assert.Equal(["HLI"], parsed.From);
    }

    private static byte[] Bytes(GeneratedSubmission made) => JsonSerializer.SerializeToUtf8Bytes(made.Json);

    private static AgencyDirectory LoadDevelopmentDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExchangeGateway.sln")))
        {
            dir = dir.Parent;
        }

        var file = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no ExchangeGateway.sln above the test"), "src", "ExchangeGateway.Gateway", "agencies.dev.json");
        var agencies = JsonNode.Parse(File.ReadAllText(file))!["agencies"]!.AsArray()
            .Select(a => new Agency(a!["id"]!.GetValue<string>(), a["type"]!.GetValue<string>(), a["name"]!.GetValue<string>(), a["endpoint"]?.GetValue<string>()));
        return new AgencyDirectory(agencies);
    }
}
