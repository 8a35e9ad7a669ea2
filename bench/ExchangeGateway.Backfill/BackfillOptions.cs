using System.Globalization;

namespace ExchangeGateway.Backfill;

/// <summary>The generator's command line: where, how many, the seed, the invalid share, the senders and the day the dates are around.</summary>
public sealed record BackfillOptions(string Out, int Count, int Seed, double InvalidShare, IReadOnlyList<string> From, DateOnly Today)
{
    private const string Usage = "usage: --out DIR --count N [--seed S] [--invalid-share 0.01] [--from HLI,BMI,SFI,NHI,LPI] [--today YYYY-MM-DD]";

    /// <summary>Parses the arguments, or writes what is wrong and returns null.</summary>
    public static BackfillOptions? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        string? output = null;
        int? count = null;
        var seed = 1;
        var share = 0.01;
        IReadOnlyList<string> from = SubmissionGenerator.Prisons;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var value = i + 1 < args.Count ? args[i + 1] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--out": output = value; break;
                    case "--count": count = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--invalid-share": share = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--from": from = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                    case "--today": today = DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture); break;
                    default: throw new FormatException($"unknown option {args[i]}");
                }

                i++;
            }
        }
        catch (FormatException ex)
        {
            error.WriteLine($"backfill: {ex.Message}\n{Usage}");
            return null;
        }

        if (output is null || count is not (>= 1 and <= 9_999_999) || share is < 0 or > 1 || from.Any(f => !SubmissionGenerator.Prisons.Contains(f)))
        {
            error.WriteLine($"backfill: --out and --count (1 to 9,999,999) are required; --invalid-share is 0 to 1; --from names prisons of the development directory\n{Usage}");
            return null;
        }

        return new BackfillOptions(output, count.Value, seed, share, from, today);
    }
}
