using System.Security.Cryptography;
using System.Text;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// The audit trail's rows as stored, on every adapter. The hashes here are stand-ins (SHA-256 of seq and previous hash):
/// the chain's real rules live in ExchangeGateway.Audit; the store only keeps seq and prev_hash linked and the rows unchanged.
/// </summary>
public abstract class AuditStoreConformance<TTarget> : StoreConformanceTests<TTarget>
    where TTarget : StoreTarget, new()
{
    [Fact]
    public void An_empty_trail_has_its_tables_and_append_only_triggers_but_no_head()
    {
        Assert.True(Read(t => t.Audit.HasSchema()));
        Assert.Null(Read(t => t.Audit.Head()));
        Assert.Empty(Read(t => t.Audit.Entries(1).ToList()));
        Assert.Empty(Read(t => t.Audit.Checkpoints()));
        Assert.Null(Read(t => t.Audit.NewestCheckpoint()));
        Assert.Equal(0, Read(t => t.Audit.IndexedUpTo()));
        var triggers = Read(t => t.Audit.Triggers());
        Assert.Contains("audit_entries_no_update", triggers);
        Assert.Contains("audit_entries_no_delete", triggers);
        Assert.Contains("audit_entries_chain", triggers);
        Assert.Contains("audit_checkpoints_no_update", triggers);
    }

    [Fact]
    public void Entries_appended_under_the_head_lock_read_back_as_stored()
    {
        var first = StandInAudit.Entry(1, StandInAudit.Genesis, "[\"nhs:abc\"]");
        Store.InTransaction(t =>
        {
            t.Audit.LockHead();
            Assert.Null(t.Audit.Head());
            t.Audit.Insert(first);
        });
        var second = Store.InTransaction(t =>
        {
            t.Audit.LockHead();
            var (seq, hash) = t.Audit.Head()!.Value;
            Assert.Equal((1L, first.Hash), (seq, hash));
            var entry = StandInAudit.Entry(seq + 1, hash);
            t.Audit.Insert(entry);
            return entry;
        });

        Assert.Equal((2L, second.Hash), Read(t => t.Audit.Head()));
        Assert.Equal(
            [new StoredRow<StoredAuditEntry>(1, first, null), new StoredRow<StoredAuditEntry>(2, second, null)],
            Read(t => t.Audit.Entries(1).ToList()));
        Assert.Equal([2L], Read(t => t.Audit.Entries(2).Select(r => r.Key).ToList()));
    }

    [Fact]
    public void Entries_are_read_in_seq_order_across_pages_however_long_the_trail()
    {
        // Two full pages of 2,000 and one more: a page boundary followed by a short page, and (from seq 2) by none.
        const int count = 4_001;
        Append(count);

        var all = Read(t => t.Audit.Entries(1).ToList());
        Assert.Equal(Enumerable.Range(1, count).Select(i => (long?)i), all.Select(r => r.Key));
        Assert.All(all, r => Assert.Null(r.Problem));
        for (var i = 1; i < all.Count; i++)
        {
            Assert.Equal(all[i - 1].Row!.Hash, all[i].Row!.PrevHash);
        }

        Assert.Equal(count - 1, Read(t => t.Audit.Entries(2).Count()));
        Assert.Equal([(long?)count], Read(t => t.Audit.Entries(count).Select(r => r.Key).ToList()));
        Assert.Empty(Read(t => t.Audit.Entries(count + 1).ToList()));
    }

    [Fact]
    public void An_entry_that_skips_a_seq_or_does_not_link_to_the_head_is_refused()
    {
        var head = Append(1);

        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Insert(StandInAudit.Entry(3, head)))), "must take the next seq");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Insert(StandInAudit.Entry(2, StandInAudit.Genesis)))), "must take the next seq");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Insert(StandInAudit.Entry(1, StandInAudit.Genesis)))), "must take the next seq");
        Assert.Equal(1, Read(t => t.Audit.Head())!.Value.Seq);
    }

    [Fact]
    public void Stored_entries_cannot_be_updated_or_deleted_even_through_a_raw_connection()
    {
        Append(3);
        var before = Read(t => t.Audit.Entries(1).ToList());

        AssertProviderRefusal(Record.Exception(() => Target.Execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2")), "append-only");
        AssertProviderRefusal(Record.Exception(() => Target.Execute("DELETE FROM audit_entries WHERE seq = 3")), "append-only");
        AssertProviderRefusal(Record.Exception(() => Target.Execute("DELETE FROM audit_entries")), "append-only");

        Assert.Equal(before, Read(t => t.Audit.Entries(1).ToList()));
    }

    [Fact]
    public void Checkpoints_read_back_in_number_order_and_only_sign_stored_entries()
    {
        Append(3);
        var entries = Read(t => t.Audit.Entries(1).Select(r => r.Row!).ToList());
        var first = new StoredCheckpoint(1, 2, entries[1].Hash, "2026-03-13T09:00:00.000Z", "interval", "key-1", "sig-1");
        var second = new StoredCheckpoint(2, 3, entries[2].Hash, "2026-03-13T10:00:00.000Z", "shutdown", "key-1", "sig-2");
        Store.InTransaction(t =>
        {
            t.Audit.Insert(first);
            t.Audit.Insert(second);
        });

        Assert.Equal([new StoredRow<StoredCheckpoint>(1, first, null), new StoredRow<StoredCheckpoint>(2, second, null)], Read(t => t.Audit.Checkpoints()));
        Assert.Equal((2L, 3L, entries[2].Hash), Read(t => t.Audit.NewestCheckpoint()) is { } newest ? (newest.Number, newest.Seq, newest.Hash) : default);
        Assert.Equal(3, Read(t => t.Audit.FirstCheckpointSeq("shutdown")));
        Assert.Null(Read(t => t.Audit.FirstCheckpointSeq("rotation")));
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Insert(second with { Number = 3, Hash = StandInAudit.Genesis }))), "signs an existing entry");
        AssertProviderRefusal(Record.Exception(() => Target.Execute("UPDATE audit_checkpoints SET signature = 'forged'")), "append-only");
    }

    [Fact]
    public void The_person_index_finds_indexed_and_newer_entries_about_a_person_and_only_moves_forward()
    {
        Append(4, seq => seq == 3 ? "[\"nhs:def\"]" : "[\"nhs:abc\"]");
        Assert.Equal([(1L, "[\"nhs:abc\"]"), (2L, "[\"nhs:abc\"]")], Read(t => t.Audit.SubjectsAfter(0, 2)));

        Store.InTransaction(t =>
        {
            t.Audit.LockIndex();
            Assert.Equal(0, t.Audit.IndexedUpTo());
            t.Audit.Index([("nhs:abc", 1, 2), ("nhs:def", 3, 3)], 3);
        });

        Assert.Equal(3, Read(t => t.Audit.IndexedUpTo()));
        Assert.Equal([("nhs:abc", 1L, 2L), ("nhs:def", 3L, 3L)], Read(t => t.Audit.IndexRuns().ToList()));
        Assert.Equal([4L], Read(t => t.Audit.SubjectsAfter(3, 10)).Select(s => s.Seq));
        Assert.Equal([1L, 2L, 4L], Read(t => t.Audit.EntriesAbout("nhs:abc", "\"nhs:abc\"", 3)).Select(r => r.Key!.Value));
        Assert.Equal([3L], Read(t => t.Audit.EntriesAbout("nhs:def", "\"nhs:def\"", 3)).Select(r => r.Key!.Value));
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Index([], 2))), "only moves forward");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.Index([("nhs:abc", 2, 4)], 4))), "append-only");
    }

    // Appends entries in one unit of work, as an appender does; returns the new head's hash.
    [Fact]
    public void Tree_nodes_read_back_by_level_and_index_and_leaves_come_in_order_for_stored_entries_only()
    {
        Append(3);
        var leaf = (long i) => SHA256.HashData(Encoding.UTF8.GetBytes($"leaf {i}"));
        Assert.Equal(0, Read(t => t.Audit.TreeSize()));
        Assert.Null(Read(t => t.Audit.TreeNode(0, 0)));

        Store.InTransaction(t =>
        {
            t.Audit.LockTree();
            t.Audit.InsertTreeNodes([(0, 0, leaf(0)), (0, 1, leaf(1)), (1, 0, leaf(10))]);
        });

        Assert.Equal(2, Read(t => t.Audit.TreeSize()));
        Assert.Equal(leaf(1), Read(t => t.Audit.TreeNode(0, 1)));
        Assert.Equal(leaf(10), Read(t => t.Audit.TreeNode(1, 0)));
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.InsertTreeNodes([(0, 3, leaf(3))]))), "append-only");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.InsertTreeNodes([(0, 2, leaf(2)), (0, 3, leaf(3))]))), "append-only");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.InsertTreeNodes([(1, 1, leaf(11))]))), "over stored leaves");
        AssertProviderRefusal(Record.Exception(() => Store.InTransaction(t => t.Audit.InsertTreeNodes([(2, 0, leaf(20))]))), "over stored leaves");
        Assert.Equal(2, Read(t => t.Audit.TreeSize()));
        AssertProviderRefusal(Record.Exception(() => Target.Execute("UPDATE audit_tree SET level = 5")), "append-only");
        AssertProviderRefusal(Record.Exception(() => Target.Execute("DELETE FROM audit_tree")), "append-only");
        Assert.Contains("audit_tree_in_order", Read(t => t.Audit.Triggers()));
        Assert.Contains("audit_tree_over_leaves", Read(t => t.Audit.Triggers()));
    }

    private string Append(int count, Func<long, string>? subjects = null) => Store.InTransaction(t =>
    {
        t.Audit.LockHead();
        var (seq, hash) = t.Audit.Head() ?? (0, StandInAudit.Genesis);
        for (var i = 0; i < count; i++)
        {
            var entry = StandInAudit.Entry(++seq, hash, subjects?.Invoke(seq) ?? "[]");
            t.Audit.Insert(entry);
            hash = entry.Hash;
        }

        return hash;
    });
}

public sealed class SqliteAuditStoreTests : AuditStoreConformance<SqliteTarget>;

public sealed class PostgreSqlAuditStoreTests : AuditStoreConformance<PostgreSqlTarget>;

/// <summary>Stand-in audit entries: each hash covers the entry's seq, the previous hash and the actor, so a broken link shows.</summary>
internal static class StandInAudit
{
    /// <summary>The prev_hash of the first entry, as the chain trigger requires it.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>An entry linked to <paramref name="prevHash"/>.</summary>
    public static StoredAuditEntry Entry(long seq, string prevHash, string subjects = "[]", string actor = "tester") =>
        new(seq, "2026-03-13T09:00:00.000Z", "test.event", actor, subjects, "{\"n\":" + seq + "}", prevHash, Hash($"{seq}:{prevHash}:{actor}"));

    /// <summary>Lower-case hex SHA-256 of the text.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
