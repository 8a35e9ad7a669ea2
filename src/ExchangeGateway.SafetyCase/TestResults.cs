using System.Xml;
using System.Xml.Linq;

namespace ExchangeGateway.SafetyCase;

/// <summary>
/// Outcomes of a test run, read from Visual Studio test result files (TRX, as <c>dotnet test --logger trx</c> writes):
/// by fully qualified test name; a theory's cases count together (failed when any failed).
/// </summary>
public sealed class TestResults
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
    private readonly Dictionary<string, string> outcomes = new(StringComparer.Ordinal);

    /// <summary>How many tests have an outcome.</summary>
    public int Count => outcomes.Count;

    /// <summary>Passed, Failed, NotExecuted, ... for a test, or null when the runs did not include it.</summary>
    public string? OutcomeOf(string test) => outcomes.GetValueOrDefault(test);

    /// <summary>The outcomes in TRX files; FormatException naming a file that is not one.</summary>
    public static TestResults LoadTrx(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new TestResults();
        foreach (var path in paths)
        {
            XDocument document;
            try
            {
                document = XDocument.Load(path);
            }
            catch (XmlException ex)
            {
                throw new FormatException($"{path}: not a test results file: {ex.Message}", ex);
            }

            var rows = document.Descendants(Trx + "UnitTestResult").ToList();
            if (document.Root?.Name != Trx + "TestRun")
            {
                throw new FormatException($"{path}: not a TRX test results file (its root is {document.Root?.Name.LocalName})");
            }

            foreach (var row in rows)
            {
                var name = (string?)row.Attribute("testName") ?? "";
                var outcome = (string?)row.Attribute("outcome") ?? "Unknown";
                results.Add(name.Split('(')[0].Trim(), outcome);
            }
        }

        return results;
    }

    private void Add(string name, string outcome)
    {
        // A theory's cases: one failure makes the test failed; otherwise the first outcome stands.
        if (!outcomes.TryGetValue(name, out var known) || (known == "Passed" && outcome != "Passed"))
        {
            outcomes[name] = outcome;
        }
    }
}
