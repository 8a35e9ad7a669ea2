namespace ExchangeGateway.EndToEndBench;

/// <summary>What every mode shares: the development certificates, the bodies to submit, the CJIT receiver, the command line.</summary>
internal sealed record BenchContext(string Certs, SubmissionBodies Bodies, CjitReceiver Receiver, BenchArguments Arguments);
