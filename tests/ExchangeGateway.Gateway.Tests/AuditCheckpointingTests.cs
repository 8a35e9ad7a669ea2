using ExchangeGateway.Audit;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The gateway keeps its audit head signed: at start when it is not, on a timer when it moved, at shutdown.</summary>
public sealed class AuditCheckpointingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-checkpointing-").FullName;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly SqliteStore store;
    private readonly GatewayAudit audit;

    public AuditCheckpointingTests()
    {
        store = SqliteStore.Open(Path.Combine(folder, DatabaseLocation.SqliteFileName), clock);
        audit = new GatewayAudit(store, new AuditLog(CheckpointSigner.Load(GatewayUnderTest.Certs)), clock);
    }

    [Fact]
    public async Task The_gateway_signs_a_timer_checkpoint_when_the_head_has_moved_and_none_while_it_stays()
    {
        var checkpointing = Checkpointing(seconds: 10);
        await checkpointing.StartAsync(CancellationToken.None);
        await audit.RefusedAsync("HLI", null, "not JSON", 1);

        // Moved on until the worker's delay has begun and run out: it signs once, then not again while nothing is appended.
        await GatewayUnderTest.Eventually(() => { clock.Advance(TimeSpan.FromSeconds(10)); return Checkpoints().Count == 1; }, TimeSpan.FromSeconds(10), "a timer checkpoint");
        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
        }

        var timer = Assert.Single(Checkpoints());
        await audit.RefusedAsync("HLI", null, "not JSON", 1);
        await GatewayUnderTest.Eventually(() => { clock.Advance(TimeSpan.FromSeconds(10)); return Checkpoints().Count == 2; }, TimeSpan.FromSeconds(10), "a second timer checkpoint");
        await checkpointing.StopAsync(CancellationToken.None);

        Assert.Equal((1L, 1L, CheckpointReason.Timer), (timer.Number, timer.Seq, timer.Reason));
        Assert.Equal([(2L, 2L, CheckpointReason.Timer), (3L, 2L, CheckpointReason.Shutdown)], Checkpoints().Skip(1).Select(c => (c.Number, c.Seq, c.Reason)));
    }

    [Fact]
    public async Task The_timer_does_not_run_before_its_interval_has_passed()
    {
        var checkpointing = Checkpointing(seconds: 10);
        await checkpointing.StartAsync(CancellationToken.None);
        await audit.RefusedAsync("HLI", null, "not JSON", 1);

        clock.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);

        Assert.Empty(Checkpoints());
        await checkpointing.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_gateway_signs_a_startup_checkpoint_when_the_stored_head_is_unsigned_and_none_when_it_is_signed()
    {
        await audit.RefusedAsync("HLI", null, "not JSON", 1);
        await audit.RefusedAsync("BMI", null, "not JSON", 1);

        var first = Checkpointing(seconds: 0);
        await first.StartAsync(CancellationToken.None);
        var afterKill = Checkpoints();
        var second = Checkpointing(seconds: 0);
        await second.StartAsync(CancellationToken.None);

        Assert.Equal([(1L, 2L, CheckpointReason.Startup)], afterKill.Select(c => (c.Number, c.Seq, c.Reason)));
        Assert.Single(Checkpoints());
        await first.StopAsync(CancellationToken.None);
        await second.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        store.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private AuditCheckpointing Checkpointing(int seconds) =>
        new(audit, Options.Create(new GatewayOptions { AuditCheckpointSeconds = seconds }), clock, new StorageHealth(clock, NullLogger<StorageHealth>.Instance),
            new LatestCheckpoint(store, clock, NullLogger<LatestCheckpoint>.Instance), NullLogger<AuditCheckpointing>.Instance);

    private IReadOnlyList<AuditCheckpoint> Checkpoints() => store.InTransaction(tx => AuditLog.Checkpoints(tx.Audit));
}
