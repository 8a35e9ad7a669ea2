using System.Globalization;

namespace ExchangeGateway.EndToEndBench;

/// <summary>Where the measured gateways keep their data.</summary>
internal enum StorageMode
{
    Sqlite,

    /// <summary>SQLite with group commit off (<c>Gateway:GroupCommitLimit</c> 1): one commit, one fsync, per accept.</summary>
    Sqlite1,
    Pg1,
    Pg2,
}

/// <summary>
/// The command line. Positional arguments as they always were (seconds per measurement, concurrent clients, rounds);
/// <c>--seconds</c> and <c>--rounds</c> say the same by name. <c>--storage LIST</c> switches to the storage comparison
/// and <c>--open-loop RATES</c> to the open-loop latency mode; without either the bench is the audit comparison.
/// </summary>
internal sealed record BenchArguments(
    double Seconds, int Clients, int Rounds, IReadOnlyList<StorageMode>? Storage, IReadOnlyList<double>? OpenLoopRates, double WarmUpSeconds, bool DistinctPeople)
{
    public static BenchArguments Parse(string[] args)
    {
        var positional = new List<string>();
        List<StorageMode>? storage = null;
        List<double>? rates = null;
        string? people = null, seconds = null, rounds = null, warmUp = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (Option(args, ref i, "--storage") is { } list)
            {
                storage = [.. Items(list, "--storage").SelectMany(name => name.ToUpperInvariant() switch
                {
                    "ALL" => (StorageMode[])[StorageMode.Sqlite, StorageMode.Pg1, StorageMode.Pg2],
                    "SQLITE" => [StorageMode.Sqlite],
                    "SQLITE1" => [StorageMode.Sqlite1],
                    "PG1" => [StorageMode.Pg1],
                    "PG2" => [StorageMode.Pg2],
                    _ => throw new ArgumentException($"--storage: '{name}' is not sqlite, sqlite1, pg1, pg2 or all"),
                }).Distinct()];
            }
            else if (Option(args, ref i, "--open-loop") is { } rateList)
            {
                rates = [.. Items(rateList, "--open-loop").Select(rate => Positive(rate, "--open-loop")).Distinct()];
            }
            else if (Option(args, ref i, "--people") is { } value)
            {
                people = value is "one" or "distinct" ? value : throw new ArgumentException($"--people: '{value}' is not one or distinct");
            }
            else if (Option(args, ref i, "--seconds") is { } s)
            {
                seconds = s;
            }
            else if (Option(args, ref i, "--rounds") is { } r)
            {
                rounds = r;
            }
            else if (Option(args, ref i, "--warm-up") is { } w)
            {
                warmUp = w;
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (rates is not null && storage?.Any(m => m is not (StorageMode.Sqlite or StorageMode.Sqlite1)) == true)
        {
            throw new ArgumentException("--open-loop measures SQLite only: --storage may name sqlite and sqlite1 with it");
        }

        // The open-loop mode's defaults are the issue's: 30 s per rate, 3 rounds. Its warm-up is 20 s because 10 s left
        // tiered JIT (and this shared machine) still settling: the first measured round started seconds behind.
        seconds ??= positional.Count > 0 ? positional[0] : rates is null ? "6" : "30";
        rounds ??= positional.Count > 2 ? positional[2] : "3";

        // The audit comparison keeps its one person (its published figures were measured so); the other modes give every
        // submission its own person, as real traffic has (see bench/README.md for what one person costs).
        var distinct = (people ?? (storage is null && rates is null ? "one" : "distinct")) == "distinct";
        return new BenchArguments(
            Positive(seconds, "seconds"),
            positional.Count > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 8,
            int.Parse(rounds, CultureInfo.InvariantCulture),
            storage,
            rates,
            warmUp is null ? 20 : double.Parse(warmUp, CultureInfo.InvariantCulture),
            distinct);
    }

    private static string[] Items(string list, string name)
    {
        var items = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length > 0 ? items : throw new ArgumentException($"{name} needs a comma-separated list");
    }

    private static double Positive(string text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new ArgumentException($"{name}: '{text}' is not a positive number");

    // The value of "--name VALUE" or "--name=VALUE" at args[i] (moving i past it), or null when args[i] is something else.
    private static string? Option(string[] args, ref int i, string name)
    {
        if (args[i] == name)
        {
            return ++i < args.Length ? args[i] : throw new ArgumentException($"{name} needs a value");
        }

        return args[i].StartsWith(name + "=", StringComparison.Ordinal) ? args[i][(name.Length + 1)..] : null;
    }
}
