using ExchangeGateway.Audit;
using ExchangeGateway.Http;

namespace ExchangeGateway.Cli;

/// <summary>
/// What exg pull and exg receive do with the audit checkpoints the gateway shows them: keep each in a checkpoints folder
/// after checking it against the last one kept (a consistency proof from the gateway), and say so loudly when it is not.
/// </summary>
internal sealed class CheckpointWitnessing(CheckpointWitness? witness, GatewayClient? client, TextWriter output, TextWriter error)
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private bool missingSaid;

    /// <summary>False once a checkpoint contradicted a kept one, was not the gateway's, or could not be checked or kept.</summary>
    public bool Consistent { get; private set; } = true;

    /// <summary>The witness of <paramref name="certs"/>' checkpoint key keeping into <paramref name="folder"/>; null (with a warning) when the certs folder has no usable verifier key.</summary>
    public static CheckpointWitness? For(string certs, string folder, TextWriter error)
    {
        CheckpointKeys keys;
        try
        {
            keys = CheckpointKeys.Load(certs);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"warning: the gateway's audit checkpoints are neither checked nor kept: {ex.Message}");
            return null;
        }

        if (keys.Count == 0)
        {
            error.WriteLine($"warning: {certs} holds no {CheckpointSigner.VerifierKeyFile}: the gateway's audit checkpoints are neither checked nor kept");
            return null;
        }

        return new CheckpointWitness(folder, keys);
    }

    /// <summary>Checks and keeps one header value (each distinct value once); <paramref name="what"/> names the message it came with.</summary>
    public async Task ObserveAsync(string? header, string what, CancellationToken cancellationToken)
    {
        if (witness is null || (header is not null && !seen.Add(header)))
        {
            return;
        }

        if (header is null)
        {
            // Before its first checkpoint a gateway has none to send; once one is kept here, a gateway that stops sending them is hiding something or broken.
            if (!missingSaid && witness.HoldsAny)
            {
                missingSaid = true;
                error.WriteLine($"warning: {what} came without the gateway's audit checkpoint (X-Audit-Checkpoint), though checkpoints from it are kept in {witness.Folder}");
            }

            return;
        }

        WitnessOutcome outcome;
        try
        {
            outcome = await witness.ObserveAsync(header, (from, to) => ProofAsync(from, to, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Consistent = false;
            error.WriteLine($"error: the gateway's audit checkpoint could not be kept in {witness.Folder}: {ex.Message}");
            return;
        }

        switch (outcome.Verdict)
        {
            case WitnessVerdict.Kept:
                output.WriteLine(outcome.Message);
                break;
            case WitnessVerdict.AlreadyKept:
                break;
            case WitnessVerdict.Unchecked:
                Consistent = false;
                error.WriteLine($"error: {outcome.Message}");
                break;
            default:
                Consistent = false;
                error.WriteLine($"error: {outcome.Message}");
                break;
        }
    }

    // A 4xx is the gateway refusing to prove it (its tree no longer reaches a size it signed, or the proof is not one);
    // no answer or a 5xx is nothing to go on.
    private async Task<ConsistencyAnswer> ProofAsync(long from, long to, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return ConsistencyAnswer.None;
        }

        GatewayResponse answer;
        try
        {
            answer = await client.ConsistencyAsync(from, to, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ConsistencyAnswer.None;
        }

        if (!answer.IsSuccess)
        {
            return (int)answer.Status is >= 400 and < 500 ? new ConsistencyAnswer(null, $"{(int)answer.Status} {answer.Text}") : ConsistencyAnswer.None;
        }

        try
        {
            return new ConsistencyAnswer(ConsistencyProof.Parse(answer.Text), null);
        }
        catch (FormatException ex)
        {
            return new ConsistencyAnswer(null, $"not a consistency proof: {ex.Message}");
        }
    }
}
