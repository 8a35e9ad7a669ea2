namespace ExchangeGateway.SafetyCase;

/// <summary>
/// What keeps the hazard log from drifting from the code: every hazard has controls, every control has tests, every
/// test it names exists in the sources and is not skipped, ids are unique and the ratings are the matrix's.
/// </summary>
public static class HazardLogCheck
{
    private static readonly string[] Severities = ["minor", "significant", "considerable", "major", "catastrophic"];
    private static readonly string[] Likelihoods = ["very-low", "low", "medium", "high", "very-high"];

    // The DCB0129 clinical risk matrix: rows by severity (minor to catastrophic), columns by likelihood (very low to very high).
    private static readonly int[,] Matrix =
    {
        { 1, 1, 2, 2, 3 },
        { 1, 2, 2, 3, 4 },
        { 2, 2, 3, 4, 5 },
        { 2, 3, 4, 5, 5 },
        { 3, 4, 5, 5, 5 },
    };

    /// <summary>The matrix's risk level for a severity and a likelihood, or null when either is not one of its words.</summary>
    public static int? RiskOf(string severity, string likelihood)
    {
        var (row, column) = (Array.IndexOf(Severities, severity), Array.IndexOf(Likelihoods, likelihood));
        return row < 0 || column < 0 ? null : Matrix[row, column];
    }

    /// <summary>Everything wrong with the log against the tests in <paramref name="tests"/>, each naming the hazard, control or test.</summary>
    public static IReadOnlyList<string> Problems(HazardLog log, TestCatalogue tests)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(tests);
        var problems = new List<string>();
        if (log.Hazards.Count == 0)
        {
            problems.Add("the log holds no hazard");
        }

        foreach (var duplicate in log.Hazards.GroupBy(h => h.Id).Where(g => g.Count() > 1))
        {
            problems.Add($"hazard id {duplicate.Key} is used {duplicate.Count()} times");
        }

        foreach (var hazard in log.Hazards)
        {
            var where = $"{hazard.Id} ({hazard.Title})";
            foreach (var (field, value) in new[] { ("title", hazard.Title), ("cause", hazard.Cause), ("effect", hazard.Effect), ("harm", hazard.Harm) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"{where}: no {field}");
                }
            }

            problems.AddRange(Rating(where, "initial", hazard.Initial));
            problems.AddRange(Rating(where, "residual", hazard.Residual));
            if (hazard.Residual.Risk > hazard.Initial.Risk)
            {
                problems.Add($"{where}: the residual risk ({hazard.Residual.Risk}) is above the initial one ({hazard.Initial.Risk})");
            }

            if (hazard.Controls.Count == 0)
            {
                problems.Add($"{where}: no control");
            }

            foreach (var control in hazard.Controls)
            {
                if (control.Tests.Count == 0)
                {
                    problems.Add($"{where}, control {control.Id}: no test shows it works");
                }

                foreach (var name in control.Tests)
                {
                    switch (tests.Find(name))
                    {
                        case null:
                            problems.Add($"{where}, control {control.Id}: test {name} does not exist in the solution (renamed or removed?)");
                            break;
                        case { Skip: { } reason } skipped:
                            problems.Add($"{where}, control {control.Id}: test {name} is skipped ({reason}) at {skipped.File}:{skipped.Line}");
                            break;
                    }
                }
            }
        }

        foreach (var survivor in log.MutationSurvivors.Where(m => string.IsNullOrWhiteSpace(m.Where) || string.IsNullOrWhiteSpace(m.Why)))
        {
            problems.Add($"mutation survivor '{survivor.Where}': it needs both where it is and why it is harmless");
        }

        return problems;
    }

    private static IEnumerable<string> Rating(string where, string which, RiskRating rating)
    {
        if (RiskOf(rating.Severity, rating.Likelihood) is not { } risk)
        {
            yield return $"{where}: the {which} rating '{rating.Severity}, {rating.Likelihood}' is not on the matrix (severity {string.Join('|', Severities)}; likelihood {string.Join('|', Likelihoods)})";
        }
        else if (risk != rating.Risk)
        {
            yield return $"{where}: the {which} risk is {rating.Risk} but the matrix gives {risk} for {rating.Severity} and {rating.Likelihood}";
        }
    }
}
