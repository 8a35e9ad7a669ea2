using System.Text.Json;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake;

/// <summary>The outcome of reading a submission: the submission, or every error found in it.</summary>
public sealed record IntakeResult(Submission? Submission, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>True when the submission may be accepted.</summary>
    public bool IsValid => Submission is not null && Errors.Count == 0;
}

/// <summary>Reads a submission body: bounds, structure, the contract's schema, then the domain rules, reporting all errors at once.</summary>
public static class SubmissionReader
{
    /// <summary>The largest body accepted.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    private static readonly Lazy<ContractSchema> Schema = new(ContractSchema.LoadEmbedded);

    /// <summary>Reads and checks a UTF-8 body; with <paramref name="today"/>, a date of birth after it is refused too.</summary>
    public static IntakeResult Read(ReadOnlySpan<byte> body, DateOnly? today = null)
    {
        // Refuse oversized or hostile bodies before building any tree of them.
        if (body.Length > MaxBytes)
        {
            return Refused("$", $"the body is {body.Length} bytes; the limit is {MaxBytes} bytes (1 MB)");
        }

        var structural = StructureScan.Check(body, MaxDepth);
        if (structural.Count > 0)
        {
            return new IntakeResult(null, structural);
        }

        using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        var errors = new List<ValidationError>();
        Schema.Value.Validate(document.RootElement, errors);

        // The domain rules need every required field; with one missing they would only repeat the schema's complaint.
        var submission = errors.Any(e => e.Reason.StartsWith(ContractSchema.Required, StringComparison.Ordinal)) ? null : SubmissionJson.TryDeserialize(document.RootElement);
        if (submission is not null)
        {
            errors.AddRange(SubmissionRules.Check(submission, today));
        }
        else if (errors.Count == 0)
        {
            errors.Add(new ValidationError("$", "the submission could not be read"));
        }

        return new IntakeResult(errors.Count == 0 ? submission : null, errors);
    }

    private static IntakeResult Refused(string path, string reason) => new(null, [new ValidationError(path, reason)]);
}
