namespace ExchangeGateway.Audit;

/// <summary>
/// A checkpoint an agency kept (a witness): its name (the file it came from), and its tree head once the signature
/// checked out, or why it did not. <c>exg audit verify --witness DIR</c> checks the trail against every one.
/// </summary>
public sealed record WitnessCheckpoint(string Name, TreeHead? Head, string? Refusal)
{
    /// <summary>The file name ending of a kept checkpoint (the signed note as text).</summary>
    public const string FileExtension = ".checkpoint";

    /// <summary>A witness from a signed note's text, checked with <paramref name="keys"/>.</summary>
    public static WitnessCheckpoint Of(string name, string note, CheckpointKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var (head, refusal) = keys.Open(note);
        return new WitnessCheckpoint(name, head, refusal);
    }

    /// <summary>Every <c>*.checkpoint</c> file of a folder, in name order; DirectoryNotFoundException naming a folder that is not there.</summary>
    public static IReadOnlyList<WitnessCheckpoint> LoadFolder(string folder, CheckpointKeys keys)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} is not a folder of kept checkpoints");
        }

        return [.. Directory.GetFiles(folder, "*" + FileExtension).Order(StringComparer.Ordinal)
            .Select(file => Of(Path.GetFileName(file), File.ReadAllText(file), keys))];
    }
}
