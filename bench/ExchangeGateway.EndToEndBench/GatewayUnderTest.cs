using ExchangeGateway.Audit;
using ExchangeGateway.Gateway;
using ExchangeGateway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeGateway.EndToEndBench;

/// <summary>
/// The real gateway started in this process on 127.0.0.1 for one measurement (embedded development directory,
/// <c>certs-dev</c>): one instance on a fresh SQLite folder or PostgreSQL database, or two instances sharing one
/// database; stopped and its data removed on disposal, so that no measurement inherits another's rows or queue.
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("exg-bench-").FullName;
    private readonly PostgresServer? server;
    private readonly List<WebApplication> apps = [];
    private readonly List<IGatewayStore> stores = [];
    private string? database;

    private GatewayUnderTest(PostgresServer? server)
    {
        this.server = server;
    }

    /// <summary>Each instance's base address, in start order.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>The first instance's store (every instance sees the same data).</summary>
    public IGatewayStore Store => stores[0];

    /// <summary>Audit entries written so far.</summary>
    public long AuditEntries => Store.InTransaction(tx => AuditLog.Head(tx.Audit))?.Seq ?? 0;

    /// <summary>Starts the gateway; <paramref name="withAudit"/> false swaps in a <see cref="GatewayAudit"/> that records nothing.</summary>
    public static async Task<GatewayUnderTest> StartAsync(string certs, bool withAudit, StorageMode storage = StorageMode.Sqlite, PostgresServer? server = null)
    {
        // Let the previous measurement's garbage and the page cache's write-back of its deleted database settle first,
        // so that no measurement pays for the one before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);

        var gateway = new GatewayUnderTest(server);
        try
        {
            gateway.database = storage is StorageMode.Sqlite or StorageMode.Sqlite1 ? null : await server!.Cluster.CreateDatabaseAsync().ConfigureAwait(false);
            for (var n = 0; n < (storage == StorageMode.Pg2 ? 2 : 1); n++)
            {
                var data = Path.Combine(gateway.work, $"data{n}");
                if (n > 0)
                {
                    // Every instance on one database must hold the first one's person key, or it refuses to start.
                    Directory.CreateDirectory(data);
                    File.Copy(PersonKeys.PathIn(Path.Combine(gateway.work, "data0")), PersonKeys.PathIn(data));
                }

                string[] gatewayArgs = ["--urls", "https://127.0.0.1:0", "--data", data, "--certs", certs, "--log-level", "Warning", .. gateway.database is null ? [] : (string[])["--database", gateway.database],
                    .. storage == StorageMode.Sqlite1 ? (string[])["--Gateway:GroupCommitLimit", "1"] : []];
                var app = GatewayHost.Build(gatewayArgs, withAudit ? null : services => services.AddSingleton(sp => new GatewayAudit(
                    sp.GetRequiredService<IGatewayStore>(), sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>()) { Recording = false }));
                gateway.apps.Add(app);
                gateway.stores.Add(app.Services.GetRequiredService<IGatewayStore>());
            }

            foreach (var app in gateway.apps)
            {
                await app.StartAsync().ConfigureAwait(false);
            }

            gateway.Addresses = [.. gateway.apps.Select(app => new Uri(app.Urls.First() + "/"))];
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Every instance must see the same outbox, balanced, holding exactly the <paramref name="acceptedMessages"/> the
    /// 202 answers named; returns the totals, or throws when they are wrong.
    /// </summary>
    public OutboxTotals CheckOutbox(long acceptedMessages, string what)
    {
        foreach (var store in stores)
        {
            var seen = store.InTransaction(tx => tx.Admin.Totals());
            if (!seen.Balances || seen.Accepted != acceptedMessages)
            {
                throw new InvalidOperationException($"{what}: {store.Description} has outbox totals {seen}, which do not balance or differ from the {acceptedMessages} messages accepted");
            }
        }

        return Store.InTransaction(tx => tx.Admin.Totals());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var app in apps)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var store in stores)
        {
            store.Dispose();
        }

        if (database is not null)
        {
            await server!.DropDatabaseAsync(database).ConfigureAwait(false);
        }

        Directory.Delete(work, recursive: true);
    }
}
