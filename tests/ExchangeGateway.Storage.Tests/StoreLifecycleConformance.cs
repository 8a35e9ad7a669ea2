namespace ExchangeGateway.Storage.Tests;

/// <summary>Migrations, settings, units of work and faults: the store as a whole, on every adapter.</summary>
public abstract class StoreLifecycleConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void The_schema_version_table_holds_every_migration_once_in_order()
    {
        _ = Store;

        Assert.True(Target.LatestVersion >= 1);
        Assert.Equal(Enumerable.Range(1, Target.LatestVersion).Select(v => v.ToString()), Target.Query("SELECT version FROM schema_version ORDER BY version"));
    }

    [Fact]
    public void Opening_a_database_again_or_twice_at_once_is_harmless()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var tables = Target.Tables();

        using (var second = Open())
        {
            Assert.NotNull(second.Snapshot(t => t.Submissions.Find("s1")));
        }

        Store.Dispose();
        using var reopened = Target.Open(Clock);

        Assert.NotNull(reopened.Snapshot(t => t.Submissions.Find("s1")));
        Assert.Equal(tables, Target.Tables());
        Assert.Equal(Enumerable.Range(1, Target.LatestVersion).Select(v => v.ToString()), Target.Query("SELECT version FROM schema_version ORDER BY version"));
    }

    [Fact]
    public void A_database_newer_than_the_code_is_refused_naming_both_versions_and_left_unchanged()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var latest = Target.LatestVersion;
        Target.Execute($"INSERT INTO schema_version(version, name, applied_at) VALUES({latest + 1}, 'from_a_newer_build', '2027-01-01T00:00:00Z')");
        var tables = Target.Tables();
        var versions = Target.Query("SELECT version || ' ' || name || ' ' || applied_at FROM schema_version ORDER BY version");

        var error = Assert.Throws<StorageSchemaException>(() => Target.Open(Clock));

        Assert.Contains($"version {latest + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({latest})", error.Message, StringComparison.Ordinal);
        Assert.Equal(tables, Target.Tables());
        Assert.Equal(versions, Target.Query("SELECT version || ' ' || name || ' ' || applied_at FROM schema_version ORDER BY version"));
        Assert.Equal(["s1"], Target.Query("SELECT submission_id FROM submissions"));
    }

    [Fact]
    public void A_setting_keeps_the_first_value_stored_whoever_claims_it_later()
    {
        Assert.Equal("key-a", Store.InTransaction(t => t.ClaimSetting("audit.key", "key-a")));
        Assert.Equal("key-a", Store.InTransaction(t => t.ClaimSetting("audit.key", "key-b")));
        Assert.Equal("key-a", Open().InTransaction(t => t.ClaimSetting("audit.key", "key-c")));
        Assert.Equal("other", Store.InTransaction(t => t.ClaimSetting("other.setting", "other")));
    }

    [Fact]
    public void A_setting_claimed_in_a_unit_of_work_that_fails_is_not_kept()
    {
        Assert.Throws<InvalidOperationException>(() => Store.InTransaction(t =>
        {
            t.ClaimSetting("audit.key", "key-a");
            throw new InvalidOperationException("startup failed");
        }));

        Assert.Equal("key-b", Store.InTransaction(t => t.ClaimSetting("audit.key", "key-b")));
    }

    [Fact]
    public void The_unit_of_work_tells_the_time_of_the_store_s_clock()
    {
        Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(Start.AddMinutes(5), Store.InTransaction(t => t.Now));
    }

    [Fact]
    public void A_write_inside_a_snapshot_is_not_kept()
    {
        // Whether the write is refused at once or rolled back at the end differs by adapter; it is never kept.
        _ = Record.Exception(() => Store.Snapshot(t => t.Submissions.Accept(Submission("s1", messages: [Push("m1")]))));

        Assert.Null(Read(t => t.Submissions.Find("s1")));
        Assert.Equal(0, Totals().Accepted);
    }

    [Fact]
    public void A_database_that_cannot_be_reached_is_unavailable_not_a_provider_error()
    {
        var error = Assert.Throws<StorageUnavailableException>(() => Target.OpenUnreachable(Clock).Dispose());

        Assert.IsAssignableFrom<System.Data.Common.DbException>(error.InnerException);
    }

    [Fact]
    public void A_read_only_store_is_unavailable_for_every_write_until_it_is_writable_again_and_reads_go_on()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        Store.Simulate(SimulatedStorageFault.ReadOnly);

        Assert.Throws<StorageUnavailableException>(() => Accept(Submission("s2", messages: [Push("m2")])));
        Assert.Throws<StorageUnavailableException>(() => Store.InTransaction(t => t.PushQueue.MarkDelivered("m1")));
        Assert.Throws<StorageUnavailableException>(Store.ProveWritable);
        Assert.Equal(1, Totals().Accepted);

        Store.Simulate(SimulatedStorageFault.None);

        Store.ProveWritable();
        Assert.Equal(AcceptOutcome.Accepted, Accept(Submission("s2", messages: [Push("m2")])).Outcome);
        Assert.True(Store.InTransaction(t => t.PushQueue.MarkDelivered("m1")));
    }

    [Fact]
    public void A_full_store_is_unavailable_for_a_write_that_needs_space_until_space_returns()
    {
        Accept(Submission("s1", messages: [Push("m1")]));

        Store.Simulate(SimulatedStorageFault.Full);

        // A large package: a small row might still fit in a page the file already has.
        var big = Push("m2") with { Package = new byte[256 * 1024] };
        Assert.Throws<StorageUnavailableException>(() => Accept(Submission("s2", messages: [big])));
        Assert.Equal(1, Totals().Accepted);

        Store.Simulate(SimulatedStorageFault.None);

        Assert.Equal(AcceptOutcome.Accepted, Accept(Submission("s2", messages: [big])).Outcome);
        Assert.Equal(2, Totals().Accepted);
    }

    [Fact]
    public async Task Units_of_work_awaited_at_once_are_each_committed_and_answered_with_their_own_result()
    {
        var units = Enumerable.Range(0, 40).Select(i => Store.InTransactionAsync(t => (i, t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}")])).Outcome))).ToList();

        var answers = await Task.WhenAll(units);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (i, AcceptOutcome.Accepted)), answers);
        Assert.Equal(40, Totals().Accepted);
        Assert.Equal(40, Read(t => Enumerable.Range(0, 40).Count(i => t.Submissions.Find($"s{i}") is not null)));
    }

    [Fact]
    public async Task A_unit_of_work_that_throws_among_others_awaited_at_once_fails_alone_and_keeps_nothing()
    {
        var units = Enumerable.Range(0, 20).Select(i => Store.InTransactionAsync(t =>
        {
            t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}")]));
            return i == 7 ? throw new InvalidOperationException("unit 7 refused") : i;
        })).ToList();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => units[7]);

        Assert.Equal("unit 7 refused", refused.Message);
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 7), await Task.WhenAll(units.Where((_, i) => i != 7)));
        Assert.Null(Read(t => t.Submissions.Find("s7")));
        Assert.Equal(19, Totals().Accepted);
    }

    [Fact]
    public async Task Units_of_work_awaited_on_a_full_disk_each_fail_as_storage_unavailable_and_nothing_is_half_written()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        Store.Simulate(SimulatedStorageFault.Full);

        var big = new byte[256 * 1024];
        var units = Enumerable.Range(2, 10).Select(i => Store.InTransactionAsync(t => t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i}") with { Package = big }])))).ToList();

        foreach (var unit in units)
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => unit);
        }

        Assert.Equal(1, Totals().Accepted);
        Store.Simulate(SimulatedStorageFault.None);
        Assert.Equal(AcceptOutcome.Accepted, (await Store.InTransactionAsync(t => t.Submissions.Accept(Submission("s2", messages: [Push("m2") with { Package = big }])))).Outcome);
        Assert.Equal(2, Totals().Accepted);
    }

    [Fact]
    public void Proving_a_writable_store_writable_changes_nothing()
    {
        Accept(Submission("s1", messages: [Push("m1")]));
        var versions = Target.Query("SELECT version || ' ' || name || ' ' || applied_at FROM schema_version ORDER BY version");

        Store.ProveWritable();

        Assert.Equal(versions, Target.Query("SELECT version || ' ' || name || ' ' || applied_at FROM schema_version ORDER BY version"));
        Assert.Equal((1L, 1L), Read(t => t.Admin.Counts()));
    }
}

public sealed class SqliteStoreLifecycleTests : StoreLifecycleConformance<SqliteTarget>
{
    [Fact]
    public void The_SQLite_file_is_kept_in_WAL_mode()
    {
        _ = Store;

        Assert.Equal(["wal"], Target.Query("PRAGMA journal_mode"));
    }
}

public sealed class PostgreSqlStoreLifecycleTests : StoreLifecycleConformance<PostgreSqlTarget>;
