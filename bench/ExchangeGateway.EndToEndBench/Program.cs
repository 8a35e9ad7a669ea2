using ExchangeGateway.EndToEndBench;

// End-to-end benchmark: submissions per second and accept latency through the real gateway on loopback (mutual TLS,
// intake, routing, consent, minimisation, mapping, sealing, one SQLite transaction with synchronous=FULL, audit
// entries in that transaction). Three modes (see bench/README.md):
//  - default: the gateway as shipped against the same gateway with audit recording off, alternating rounds, to show
//    what auditing costs, with the same documents sealed by `openssl cms` as the outside reference;
//  - --storage: the audited gateway on SQLite, on PostgreSQL, and as two instances sharing one PostgreSQL database;
//  - --open-loop: requests at fixed arrival rates, latency counted from each request's intended send time.
var root = RepositoryRoot();
var arguments = BenchArguments.Parse(args);
var example = File.ReadAllText(Path.Combine(root, "tests", "ExchangeGateway.TestData", "examples", "release-ost.json"));
using var receiver = CjitReceiver.Start();
var bench = new BenchContext(Path.Combine(root, "certs-dev"), new SubmissionBodies(example, arguments.DistinctPeople), receiver, arguments);

if (arguments.OpenLoopRates is not null)
{
    await OpenLoopBench.RunAsync(bench).ConfigureAwait(false);
}
else if (arguments.Storage is { } modes)
{
    await StorageComparison.RunAsync(bench, modes).ConfigureAwait(false);
}
else
{
    await AuditComparison.RunAsync(bench).ConfigureAwait(false);
}

return 0;

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ExchangeGateway.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository");
}
