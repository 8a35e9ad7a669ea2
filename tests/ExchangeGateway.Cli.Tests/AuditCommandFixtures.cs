using ExchangeGateway.Audit.Tests;

namespace ExchangeGateway.Cli.Tests;

/// <summary>
/// The <c>exg audit</c> command tests share the PKI, the trail and the export fixtures of ExchangeGateway.Audit.Tests
/// (its Fixtures.cs). xunit takes a collection's fixtures only from a definition in the assembly under test, so the PKI
/// collection is defined again here.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AuditPkiCollection : ICollectionFixture<PkiFixture>
{
    public const string Name = "audit-command-pki";
}
