namespace ExchangeGateway.Audit.Tests;

/// <summary>
/// Verifying a database checks the trail against the outbox beside it. (<c>exg audit verify</c> on the same cases:
/// ExchangeGateway.Cli.Tests, AuditVerifyCommandTests.)
/// </summary>
[Collection(PkiCollection.Name)]
public sealed class OutboxCrossCheckTests(PkiFixture pki)
{
    [Fact]
    public void A_data_folder_whose_every_outbox_row_has_its_entry_verifies()
    {
        using var data = new Trail(pki, entries: 0, submissions: 5);
        data.Deliver(2);
        data.Deliver(4);
        data.Checkpoint();

        var result = data.Verify();

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(12, result.EntryCount);
    }

    [Fact]
    public void An_empty_trail_beside_an_empty_outbox_verifies()
    {
        using var data = new Trail(pki, entries: 0, submissions: 0);

        var result = data.Verify();

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal(0, result.EntryCount);
    }

    [Fact]
    public void An_empty_trail_beside_a_non_empty_outbox_fails()
    {
        using var data = new Trail(pki, entries: 0, submissions: 3);
        data.DropTriggers();
        data.Sql("DELETE FROM audit_subjects_indexed");
        data.Sql("DELETE FROM audit_entries");
        data.Sql("DELETE FROM audit_checkpoints");

        var result = data.Verify(allowUnsignedTail: true);

        Assert.False(result.IsValid);
        Assert.Equal("the audit trail is empty but the outbox holds 3 submissions and 3 messages: the trail was deleted", result.FirstProblem!.Reason);
    }

    [Fact]
    public void A_message_whose_state_changed_without_its_entry_is_named()
    {
        using var data = new Trail(pki, entries: 0, submissions: 3);
        data.DropTriggers();
        data.Sql($"UPDATE messages SET status = 'delivered' WHERE message_id = '{Trail.MessageId(2)}'");
        data.Sql($"UPDATE messages SET status = 'cancelled' WHERE message_id = '{Trail.MessageId(3)}'");

        var result = data.Verify();

        Assert.Equal(
            [
                $"outbox message {Trail.MessageId(2)} is delivered but the trail has no delivery-result 'delivered' entry for it: entries were deleted",
                $"outbox message {Trail.MessageId(3)} is cancelled but the trail has no withdrawal or admin outbox-cancel entry for it: entries were deleted",
            ],
            result.Problems.Select(p => p.Reason));
        Assert.All(result.Problems, p => Assert.Equal(7, p.Seq));
    }

    [Fact]
    public void A_submission_and_a_message_stored_without_their_entries_are_named()
    {
        using var data = new Trail(pki, entries: 0, submissions: 2);
        data.DropTriggers();
        data.Sql($"INSERT INTO submissions SELECT '{Trail.SubmissionId(9)}', sender, event_type, body_sha256, received_ms, response FROM submissions LIMIT 1");
        data.Sql($"""
            INSERT INTO messages (message_id, submission_id, recipient, recipient_type, channel, endpoint, event_type, package, size, status, created_ms, window_start_ms, attempts, next_attempt_ms, updated_ms)
            SELECT '{Trail.MessageId(9)}', '{Trail.SubmissionId(9)}', recipient, recipient_type, channel, endpoint, event_type, package, size, status, created_ms + 1, window_start_ms, attempts, next_attempt_ms, updated_ms FROM messages LIMIT 1
            """);

        var result = data.Verify();

        Assert.Equal(
            [
                $"outbox submission {Trail.SubmissionId(9)} has no submission-received entry in the trail: entries were deleted",
                $"outbox message {Trail.MessageId(9)} has no package-sealed entry in the trail: entries were deleted",
            ],
            result.Problems.Select(p => p.Reason));
    }

    [Fact]
    public void A_trail_beside_an_empty_outbox_passes_the_cross_check_now_that_every_store_has_an_outbox()
    {
        // Once an audit-only database (no outbox tables) skipped the cross-check; every store now has an outbox, and
        // one that holds nothing asks no entry of the trail.
        using var trail = new Trail(pki);

        var result = trail.Verify();

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Equal((0L, 0L), trail.Store.Snapshot(tx => tx.Admin.Counts()));
    }
}
