using System.Text;
using ExchangeGateway.Audit;
using ExchangeGateway.Cli;
using ExchangeGateway.Crypto;
using ExchangeGateway.Intake;

namespace ExchangeGateway.Fuzz;

/// <summary>
/// One surface under fuzz: its seeds, the shape of its input, and one call of the real code. <see cref="Run"/> returns
/// for every documented outcome (an error list, an exit code of 0 or 1, a refusal); anything that escapes it is a failure.
/// One instance per thread.
/// </summary>
internal abstract class FuzzTarget : IDisposable
{
    /// <summary>
    /// Every target, by name, in the order a run goes through them, with its share of the inputs: shares are set so
    /// that a million inputs take under 10 minutes on 2 cores (validate parses a 20 KB FHIR bundle per input).
    /// </summary>
    public static IReadOnlyList<(string Name, double Share, Func<Corpus, FuzzTarget> Create)> All { get; } =
    [
        ("reader", 0.30, corpus => new ReaderTarget(corpus)),
        ("response", 0.05, corpus => new ResponseReaderTarget(corpus)),
        ("map", 0.20, corpus => new CliTarget("map", corpus.Submissions)),
        ("validate", 0.05, corpus => new CliTarget("validate", corpus.Bundles)),
        ("package", 0.15, corpus => new PackageTarget(corpus)),
        ("signed-data", 0.12, corpus => new SignedDataTarget(corpus)),
        ("audit-export", 0.13, corpus => new AuditExportTarget(corpus)),
    ];

    public abstract InputShape Shape { get; }

    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Runs one input; throws only when the code under test broke its contract.</summary>
    public abstract void Run(byte[] input);

    public virtual void Dispose()
    {
    }
}

/// <summary>An outcome outside the documented ones that is not itself an exception (e.g. an unexpected exit code).</summary>
internal sealed class UnexpectedOutcomeException(string message) : Exception(message);

/// <summary>The submission reader: it returns errors for any body, and never throws.</summary>
internal sealed class ReaderTarget(Corpus corpus) : FuzzTarget
{
    private static readonly DateOnly Today = new(2026, 3, 13);

    public override InputShape Shape => InputShape.Json;

    public override IReadOnlyList<byte[]> Seeds => corpus.Submissions;

    public override void Run(byte[] input)
    {
        var result = SubmissionReader.Read(input, Today);
        if (result.IsValid != (result.Errors.Count == 0))
        {
            throw new UnexpectedOutcomeException($"IsValid is {result.IsValid} with {result.Errors.Count} errors");
        }
    }
}

/// <summary>
/// The reader of a business response body (<c>POST /api/v1/messages/{id}/response</c>): it returns a response or
/// errors for any body, never both and never neither, and never throws.
/// </summary>
internal sealed class ResponseReaderTarget(Corpus corpus) : FuzzTarget
{
    public override InputShape Shape => InputShape.Json;

    public override IReadOnlyList<byte[]> Seeds => corpus.Responses;

    public override void Run(byte[] input)
    {
        var read = ResponseReader.Read(input);
        if (read.IsValid != (read.Errors.Count == 0) || read.IsValid != (read.Response is not null))
        {
            throw new UnexpectedOutcomeException($"IsValid is {read.IsValid} with {read.Errors.Count} errors and {(read.Response is null ? "no" : "a")} response");
        }
    }
}

/// <summary>
/// `exg map` or `exg validate`, run in-process through the command line as a user runs it, on a file: exit 0 (done)
/// or 1 (invalid input, with a message) are the documented outcomes; any other code or an exception is a failure.
/// </summary>
internal sealed class CliTarget(string command, IReadOnlyList<byte[]> seeds) : FuzzTarget
{
    private readonly string folder = Directory.CreateTempSubdirectory($"exg-fuzz-{command}-").FullName;

    public override InputShape Shape => InputShape.Json;

    public override IReadOnlyList<byte[]> Seeds => seeds;

    private string InputPath => Path.Combine(folder, "input.json");

    public override void Run(byte[] input)
    {
        File.WriteAllBytes(InputPath, input);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ExgCommandLine.Run([command, InputPath], output, error);
        if (code is not (ExitCodes.Ok or ExitCodes.InvalidInput))
        {
            throw new UnexpectedOutcomeException($"exg {command} exited {code}: {error}");
        }

        if (code == ExitCodes.InvalidInput && !error.ToString().Contains("error: ", StringComparison.Ordinal))
        {
            throw new UnexpectedOutcomeException($"exg {command} exited 1 without saying why");
        }
    }

    public override void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>The package opener: opens, or refuses with <see cref="PackageRefusedException"/>; nothing else.</summary>
internal sealed class PackageTarget(Corpus corpus) : FuzzTarget
{
    private readonly PackageOpener opener = new(RecipientIdentity.Load(corpus.Certs, Corpus.Recipient), TrustStore.Load(corpus.Certs), new FixedTime(corpus.Now));

    public override InputShape Shape => InputShape.Der;

    public override IReadOnlyList<byte[]> Seeds => corpus.Packages;

    public override void Run(byte[] input)
    {
        try
        {
            opener.Open(input);
        }
        catch (PackageRefusedException)
        {
            // The documented outcome for a package that is not good.
        }
    }
}

/// <summary>
/// The opener's second stage, the signature verifier, fed the decrypted signed data directly: edits of the outer
/// package only reach it through a key and tag that still decrypt, which mutation almost never keeps.
/// </summary>
internal sealed class SignedDataTarget(Corpus corpus) : FuzzTarget
{
    private readonly SignedPackageVerifier verifier = new(TrustStore.Load(corpus.Certs), new FixedTime(corpus.Now));

    public override InputShape Shape => InputShape.Der;

    public override IReadOnlyList<byte[]> Seeds => corpus.SignedData;

    public override void Run(byte[] input)
    {
        try
        {
            verifier.Verify(input);
        }
        catch (PackageRefusedException)
        {
            // The documented outcome for signed data that is not good.
        }
    }
}

/// <summary>
/// The jsonl audit export reader and verifier, as `exg audit verify --file` runs it (a UTF-8 StreamReader): it returns
/// a verification with problems for any text, and never throws. Odd-length inputs are verified with the unsigned tail allowed.
/// </summary>
internal sealed class AuditExportTarget(Corpus corpus) : FuzzTarget
{
    private readonly AuditVerifier verifier = new(CheckpointKeys.Load(corpus.Certs));

    public override InputShape Shape => InputShape.JsonLines;

    public override IReadOnlyList<byte[]> Seeds => corpus.AuditExports;

    public override void Run(byte[] input)
    {
        using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8);
        var result = verifier.VerifyExport(reader, allowUnsignedTail: input.Length % 2 == 1);
        if (result.IsValid && input.Length == 0)
        {
            throw new UnexpectedOutcomeException("an empty export verified");
        }
    }
}
