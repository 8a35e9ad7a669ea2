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

    /// <summary>False once a checkpoint contradicted a kept one or was not the gateway's.</summary>
    public bool Consistent { get; private set; } = true;

    /// <summary>The witness of <paramref name="certs"/>' checkpoint key keeping into <paramref name="folder"/>; null (with a warning) when the certs folder has no verifier key.</summary>
    public static CheckpointWitness? For(string certs, string folder, TextWriter error)
    {
        var keys = CheckpointKeys.Load(certs);
        if (keys.Count == 0)
        {
            error.WriteLine($"warning: {certs} holds no {CheckpointSigner.VerifierKeyFile}: the gateway's audit checkpoints are neither checked nor kept");
            return null;
        }

        return new CheckpointWitness(folder, keys);
    }

    /// <summary>Checks and keeps one header value (each distinct value once).</summary>
    public async Task ObserveAsync(string? header, CancellationToken cancellationToken)
    {
        if (witness is null || header is null || !seen.Add(header))
        {
            return;
        }

        var outcome = await witness.ObserveAsync(header, (from, to) => ProofAsync(from, to, cancellationToken)).ConfigureAwait(false);
        switch (outcome.Verdict)
        {
            case WitnessVerdict.Kept:
                output.WriteLine(outcome.Message);
                break;
            case WitnessVerdict.AlreadyKept:
                break;
            case WitnessVerdict.Unchecked:
                error.WriteLine($"warning: {outcome.Message}");
                break;
            default:
                Consistent = false;
                error.WriteLine($"error: {outcome.Message}");
                break;
        }
    }

    private async Task<ConsistencyProof?> ProofAsync(long from, long to, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return null;
        }

        try
        {
            var answer = await client.ConsistencyAsync(from, to, cancellationToken).ConfigureAwait(false);
            return answer.IsSuccess ? ConsistencyProof.Parse(answer.Text) : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or FormatException)
        {
            return null;
        }
    }
}
