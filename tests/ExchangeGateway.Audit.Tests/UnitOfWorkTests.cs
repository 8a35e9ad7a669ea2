using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;

namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// The trail in the store's units of work: entries commit and roll back with the change they record, several stores
/// on one file extend one chain, and the store keeps the audit tables (the migrations create them; an earlier
/// format is refused at open).
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class UnitOfWorkTests(PkiFixture pki)
{
    [Fact]
    public void One_log_appends_through_several_stores_and_after_a_store_is_reopened()
    {
        using var trail = new Trail(pki, entries: 3, shutdown: false);
        using (var second = trail.OpenStore())
        {
            second.InTransaction(tx => trail.Log.Append(tx.Audit, trail.Draft(4), trail.TimeOf(4)));
        }

        trail.Add(5);
        trail.Reopen();
        trail.Add(6);

        var entries = trail.Entries();
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], entries.Select(e => e.Seq));
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
        }
    }

    [Fact]
    public void An_entry_appended_in_a_unit_of_work_that_rolls_back_leaves_no_trace()
    {
        using var trail = new Trail(pki, entries: 9, interval: 10, shutdown: false, tree: false);

        Assert.Throws<RolledBack>(() => trail.Write<int>(audit =>
        {
            var entry = trail.Log.Append(audit, trail.Draft(10), trail.TimeOf(10));
            Assert.Equal(10, entry.Seq);
            Assert.Equal(10, trail.Log.ExtendTree(audit).Added);
            Assert.Single(AuditLog.Checkpoints(audit));
            throw new RolledBack();
        }));

        Assert.Equal(9, trail.Read(AuditLog.Head)!.Value.Seq);
        Assert.Empty(trail.Checkpoints());
        Assert.Equal(10, trail.Add(10).Seq);
    }

    [Fact]
    public void An_entry_commits_with_the_callers_own_change_in_the_same_unit_of_work()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);

        trail.Store.InTransaction(tx =>
        {
            tx.ClaimSetting("test-change", "made");
            return trail.Log.Append(tx.Audit, trail.Draft(1), trail.TimeOf(1));
        });
        Assert.Throws<RolledBack>(() => trail.Store.InTransaction<int>(tx =>
        {
            tx.ClaimSetting("test-undone", "made");
            trail.Log.Append(tx.Audit, trail.Draft(2), trail.TimeOf(2));
            throw new RolledBack();
        }));

        Assert.Equal(1, trail.Read(AuditLog.Head)!.Value.Seq);
        Assert.Equal("made", trail.Store.InTransaction(tx => tx.ClaimSetting("test-change", "other")));
        Assert.Equal("other", trail.Store.InTransaction(tx => tx.ClaimSetting("test-undone", "other")));
        trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void The_trail_is_kept_in_the_sqlite_stores_gateway_db_in_wal_mode()
    {
        // synchronous=FULL is per connection, so it is not visible from here: SqliteStore.Open reads it back and refuses
        // to open without it (ExchangeGateway.Storage.Tests); the journal mode is the file's.
        using var trail = new Trail(pki, entries: 1, shutdown: false);
        using var command = trail.Raw.CreateCommand();

        command.CommandText = "PRAGMA journal_mode";
        var journal = (string)command.ExecuteScalar()!;
        command.CommandText = "SELECT COUNT(*) FROM audit_entries";
        var entries = (long)command.ExecuteScalar()!;

        Assert.Equal("wal", journal);
        Assert.Equal(1, entries);
        Assert.Equal(trail.Folder.File("gateway.db"), Assert.IsType<SqliteStore>(trail.Store).Path);
    }

    [Fact]
    public void Two_stores_on_one_file_appending_in_turn_extend_one_chain()
    {
        using var trail = new Trail(pki, entries: 3, shutdown: false);
        using var second = trail.OpenStore();

        second.InTransaction(tx => trail.Log.Append(tx.Audit, trail.Draft(4), trail.TimeOf(4)));
        trail.Add(5);

        Assert.Equal([1L, 2, 3, 4, 5], trail.Entries().Select(e => e.Seq));
        second.InTransaction(tx => trail.Log.Checkpoint(tx.Audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void A_database_whose_audit_tables_were_dropped_fails_verification()
    {
        // The migrations always create the audit tables; only someone with the file can take them away again.
        using var trail = new Trail(pki, entries: 3);
        trail.DropTriggers();
        trail.Sql("DROP TABLE audit_subjects");
        trail.Sql("DROP TABLE audit_entries");

        var result = trail.Verify();

        Assert.False(result.IsValid);
        Assert.Equal(1, result.FirstBadSeq);
        Assert.Contains("the audit tables are missing", result.FirstProblem!.Reason, StringComparison.Ordinal);
        Assert.False(trail.Read(AuditLog.HasSchema));
    }

    [Fact]
    public void Opening_the_store_again_on_every_start_leaves_the_trail_as_it_was()
    {
        using var trail = new Trail(pki, entries: 3);

        trail.Reopen();
        trail.Reopen();

        Assert.True(trail.Verify().IsValid);
        Assert.Equal(3, trail.Entries().Count);
    }

    [Fact]
    public void A_trail_from_before_entries_held_their_subjects_is_refused_at_start_saying_so()
    {
        using var folder = new TempFolder();
        var path = folder.File(DatabaseLocation.SqliteFileName);
        using (var connection = Trail.OpenRaw(path))
        using (var old = connection.CreateCommand())
        {
            old.CommandText = "CREATE TABLE audit_entries (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)";
            old.ExecuteNonQuery();
        }

        var ex = Assert.Throws<StorageSchemaException>(() => SqliteStore.Open(path, new FixedTime(pki.Now)));

        Assert.Contains("no subjects column", ex.Message, StringComparison.Ordinal);
        Assert.Contains("earlier build", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_audit_rows_of_a_finished_unit_of_work_take_no_more_entries()
    {
        // Entries are written only through the unit of work they belong to; one kept past its end is refused.
        using var trail = new Trail(pki, entries: 1, shutdown: false);
        var finished = trail.Write(audit => audit);

        Assert.ThrowsAny<InvalidOperationException>(() => trail.Log.Append(finished, trail.Draft(2), pki.Now));
        Assert.Equal(1, trail.Read(AuditLog.Head)!.Value.Seq);
    }
}

/// <summary>Thrown from a unit of work to roll it back.</summary>
internal sealed class RolledBack : Exception;
