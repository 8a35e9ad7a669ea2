namespace ExchangeGateway.Audit.Tests;

/// <summary>The chain across units of work that SQLite commits together, one of them refused after appending.</summary>
[Collection(PkiCollection.Name)]
public sealed class GroupCommitChainTests(PkiFixture pki)
{
    [Fact]
    public async Task A_unit_refused_after_appending_in_a_group_leaves_the_others_entries_chained_and_the_trail_verifying()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        using var holding = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();

        // The writer is held by one unit until six more have queued behind it: those six are committed as one group.
        var first = trail.Store.InTransactionAsync(_ =>
        {
            holding.Set();
            released.Wait(TimeSpan.FromSeconds(30));
            return -1;
        });
        holding.Wait(TimeSpan.FromSeconds(30));
        var units = Enumerable.Range(0, 6).Select(i => trail.Store.InTransactionAsync(tx =>
        {
            trail.Log.Append(tx.Audit, new AuditRecord(AuditEventTypes.Ack, "B82005"), pki.Now);
            return i == 3 ? throw new InvalidOperationException("refused after appending") : i;
        })).ToList();
        released.Set();
        await first;

        await Assert.ThrowsAsync<InvalidOperationException>(() => units[3]);
        var others = await Task.WhenAll(units.Where((_, i) => i != 3));
        Assert.Equal([0, 1, 2, 4, 5], others);
        var entries = trail.Entries();
        Assert.Equal([1L, 2L, 3L, 4L, 5L], entries.Select(e => e.Seq));
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
        }

        trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }
}
