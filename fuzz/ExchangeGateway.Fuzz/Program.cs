using System.Globalization;
using ExchangeGateway.Fuzz;

// exg fuzz harness: dotnet run --project fuzz/ExchangeGateway.Fuzz -c Release -- --inputs 1000000 [--seed N] [--target NAME] [--workers N] [--failures DIR]
// Exits 1 when any input escaped its target's documented outcome, 2 on a usage error.
long inputs = 10_000;
ulong seed = 1;
var workers = Environment.ProcessorCount;
var failures = Path.GetFullPath("fuzz-failures");
var targets = new List<string>();
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--inputs":
                inputs = long.Parse(Value(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                break;
            case "--seed":
                seed = ulong.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--workers":
                workers = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--failures":
                failures = Path.GetFullPath(Value());
                break;
            case "--target":
                targets.AddRange(Value().Split(','));
                break;
            default:
                throw new FormatException($"unknown option {args[i]}");
        }
    }

    if (targets.FirstOrDefault(t => FuzzTarget.All.All(known => known.Name != t)) is { } unknown)
    {
        throw new FormatException($"no target {unknown}; the targets are {string.Join(", ", FuzzTarget.All.Select(t => t.Name))}");
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"fuzz: {ex.Message}");
    return 2;
}

var chosen = FuzzTarget.All.Where(t => targets.Count == 0 || targets.Contains(t.Name)).ToList();
var totalShare = chosen.Sum(t => t.Share);
Console.WriteLine($"seeds: building (certs {Corpus.DefaultCerts})");
var corpus = Corpus.Build();
Console.WriteLine($"fuzz: {inputs:N0} inputs, seed {seed}, {workers} workers, failures to {failures}");
Console.WriteLine();
Console.WriteLine("| target | inputs | failures | inputs/s | slowest input |");
Console.WriteLine("|---|---:|---:|---:|---:|");
var reports = new List<TargetReport>();
long assigned = 0;
foreach (var (name, share, _) in chosen)
{
    // The last target takes the rounding remainder, so the counts add up to exactly --inputs.
    var count = name == chosen[^1].Name ? inputs - assigned : (long)Math.Round(inputs * share / totalShare);
    assigned += count;
    var report = FuzzRunner.Run(corpus, name, count, seed, workers, failures);
    reports.Add(report);
    Console.WriteLine($"| {name} | {report.Inputs:N0} | {report.Failures:N0} | {report.InputsPerSecond:N0} | {report.Slowest.TotalMilliseconds:N0} ms |");
}

var elapsed = TimeSpan.FromTicks(reports.Sum(r => r.Elapsed.Ticks));
Console.WriteLine($"| total | {reports.Sum(r => r.Inputs):N0} | {reports.Sum(r => r.Failures):N0} | {reports.Sum(r => r.Inputs) / Math.Max(elapsed.TotalSeconds, 1e-9):N0} | {elapsed.TotalSeconds:N0} s in all |");
foreach (var report in reports.Where(r => r.Failures > 0))
{
    Console.WriteLine();
    Console.WriteLine($"{report.Target}: {report.Failures:N0} unhandled");
    foreach (var failure in report.DistinctFailures)
    {
        Console.WriteLine($"  {failure}");
    }
}

return reports.Any(r => r.Failures > 0) ? 1 : 0;
