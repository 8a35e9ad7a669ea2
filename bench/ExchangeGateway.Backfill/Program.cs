using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExchangeGateway.Backfill;

// Usage: --out DIR --count N [--seed S] [--invalid-share 0.01] [--from HLI,BMI] [--today YYYY-MM-DD]
var options = BackfillOptions.Parse(args, Console.Error);
if (options is null)
{
    return 2;
}

Directory.CreateDirectory(options.Out);
var generator = new SubmissionGenerator(options.Seed, options.Today, options.InvalidShare, options.From);
var byType = new Dictionary<string, int>(StringComparer.Ordinal);
var invalid = new Dictionary<string, int>(StringComparer.Ordinal);
var gate = new Lock();
var clock = Stopwatch.StartNew();
var written = new JsonSerializerOptions { WriteIndented = false };
Parallel.For(0, options.Count, index =>
{
    var made = generator.Make(index);
    File.WriteAllText(Path.Combine(options.Out, made.FileName), made.Json.ToJsonString(written));
    lock (gate)
    {
        byType[made.EventType] = byType.GetValueOrDefault(made.EventType) + 1;
        if (made.Invalid is { } kind)
        {
            invalid[kind] = invalid.GetValueOrDefault(kind) + 1;
        }
    }
});

static string Counts(Dictionary<string, int> counts) =>
    counts.Count == 0 ? "none" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"wrote {options.Count} submissions to {options.Out} in {clock.Elapsed.TotalSeconds:0.0} s (seed {options.Seed}, today {options.Today:yyyy-MM-dd}): {Counts(byType)}; invalid {invalid.Values.Sum()} ({Counts(invalid)})"));
return 0;
