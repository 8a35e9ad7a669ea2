using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// The bodies the bench submits: the release example with a new <c>submissionId</c> each time and, when people are
/// distinct, a made-up valid NHS and prison number for persons 1, 2, 3 … (see bench/README.md for what one person for
/// everything costs).
/// </summary>
internal sealed class SubmissionBodies(string example, bool distinctPeople)
{
    private int person;

    /// <summary>The release example the bodies are made from.</summary>
    public string Example => example;

    /// <summary>True when every body names its own person.</summary>
    public bool DistinctPeople => distinctPeople;

    /// <summary>Starts again at person 1, so that every measurement submits the same people in the same order (into its own empty store).</summary>
    public void Restart() => Interlocked.Exchange(ref person, 0);

    /// <summary>The next body; safe to call from concurrent clients.</summary>
    public byte[] Next()
    {
        var json = JsonNode.Parse(example)!.AsObject();
        json["submissionId"] = Guid.NewGuid().ToString();
        if (distinctPeople)
        {
            var (nhs, prison) = Person(Interlocked.Increment(ref person));
            var client = json["dir"]!["client"]!.AsObject();
            client["nhsNumber"] = nhs;
            client["prisonNumber"] = prison;
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    // The n-th made-up person: a valid NHS number (modulus 11) and prison number, distinct for every n.
    private static (string Nhs, string Prison) Person(int n)
    {
        for (var candidate = 400_000_000L + (n * 2L); ; candidate++)
        {
            var digits = candidate.ToString(CultureInfo.InvariantCulture);
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                sum += (digits[i] - '0') * (10 - i);
            }

            var check = (11 - (sum % 11)) % 11;
            if (check != 10)
            {
                var letters = n / 10_000;
                return (digits + (char)('0' + check), $"{(char)('A' + (letters / 676 % 26))}{n % 10_000:D4}{(char)('A' + (letters / 26 % 26))}{(char)('A' + (letters % 26))}");
            }
        }
    }
}
