using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ExchangeGateway.SafetyCase;

/// <summary>A clinical risk on the DCB0129 5×5 matrix: severity, likelihood and the risk level (1 acceptable to 5 unacceptable).</summary>
public sealed class RiskRating
{
    /// <summary>minor, significant, considerable, major or catastrophic.</summary>
    public string Severity { get; set; } = "";

    /// <summary>very-low, low, medium, high or very-high.</summary>
    public string Likelihood { get; set; } = "";

    /// <summary>The matrix's risk level for the two, 1 to 5.</summary>
    public int Risk { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Risk} ({Severity}, {Likelihood})";
}

/// <summary>What in the product prevents or reveals a hazard, and the tests that show it works.</summary>
public sealed class Control
{
    /// <summary>The control's id, e.g. C01a.</summary>
    public string Id { get; set; } = "";

    /// <summary>refusal, flag, escalation, rule, reminder, audit, crypto or durability.</summary>
    public string Kind { get; set; } = "";

    /// <summary>What it does, in words a clinical safety officer reads.</summary>
    public string Description { get; set; } = "";

    /// <summary>Fully qualified names of the tests that show it works (Namespace.Class.Method).</summary>
    public List<string> Tests { get; set; } = [];

    /// <summary>Where the evidence is partial (a case no test covers yet), or null.</summary>
    public string? Gaps { get; set; }
}

/// <summary>A mutant the tests do not kill: where it is and why that is harmless.</summary>
public sealed class MutationSurvivor
{
    /// <summary>The file and the code mutated.</summary>
    public string Where { get; set; } = "";

    /// <summary>Why no test needs to kill it.</summary>
    public string Why { get; set; } = "";
}

/// <summary>One hazard of the log.</summary>
public sealed class Hazard
{
    /// <summary>The hazard's id, e.g. H01.</summary>
    public string Id { get; set; } = "";

    /// <summary>A short title.</summary>
    public string Title { get; set; } = "";

    /// <summary>What could bring it about.</summary>
    public string Cause { get; set; } = "";

    /// <summary>Its effect on the person.</summary>
    public string Effect { get; set; } = "";

    /// <summary>The harm that could follow.</summary>
    public string Harm { get; set; } = "";

    /// <summary>The risk before the controls.</summary>
    public RiskRating Initial { get; set; } = new();

    /// <summary>The controls.</summary>
    public List<Control> Controls { get; set; } = [];

    /// <summary>The risk with the controls in place.</summary>
    public RiskRating Residual { get; set; } = new();

    /// <summary>Why the residual risk is what it is: what stays with clinicians.</summary>
    public string? ResidualNotes { get; set; }
}

/// <summary>The hazard log (docs/clinical-safety/hazard-log.yaml), read strictly: an unknown key is an error naming it.</summary>
public sealed class HazardLog
{
    /// <summary>The matrix the ratings use.</summary>
    public string Matrix { get; set; } = "";

    /// <summary>The hazards, in the log's order.</summary>
    public List<Hazard> Hazards { get; set; } = [];

    /// <summary>Mutants the tests leave alive, each with why it is harmless (the mutation testing's record).</summary>
    public List<MutationSurvivor> MutationSurvivors { get; set; } = [];

    /// <summary>Every test the log names, each once.</summary>
    public IEnumerable<string> Tests => Hazards.SelectMany(h => h.Controls).SelectMany(c => c.Tests).Distinct(StringComparer.Ordinal);

    /// <summary>The log in a YAML text; FormatException naming the line and what is wrong.</summary>
    public static HazardLog Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build();
        try
        {
            return deserializer.Deserialize<HazardLog>(yaml) ?? throw new FormatException("the hazard log is empty");
        }
        catch (YamlException ex)
        {
            throw new FormatException($"line {ex.Start.Line}: {(ex.InnerException ?? ex).Message}", ex);
        }
    }

    /// <summary>The log in a file; FormatException naming the file and line.</summary>
    public static HazardLog Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }
}
