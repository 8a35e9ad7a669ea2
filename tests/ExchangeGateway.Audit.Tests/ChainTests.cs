using System.Security.Cryptography;
using System.Text;
using ExchangeGateway.Fhir;

namespace ExchangeGateway.Audit.Tests;

[Collection(PkiCollection.Name)]
public sealed class ChainTests(PkiFixture pki)
{
    [Fact]
    public void Entries_are_numbered_from_1_and_each_links_to_the_hash_of_the_one_before()
    {
        using var trail = new Trail(pki, entries: 12);

        var entries = trail.Entries();

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), entries.Select(e => e.Seq));
        Assert.Equal(AuditChain.Genesis, entries[0].PrevHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
        }

        Assert.All(entries, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
    }

    [Fact]
    public void Entries_appended_together_chain_and_verify_exactly_as_entries_appended_one_by_one()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var time = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
        trail.Write(audit => trail.Log.Append(audit, new AuditRecord(AuditEventTypes.Ack, "B82005") { Subjects = [trail.PersonA] }, time));

        var batch = trail.Write(audit => trail.Log.AppendAll(audit,
        [
            new AuditRecord(AuditEventTypes.SubmissionReceived, "HLI") { Subjects = [trail.PersonA, trail.PersonB], Details = new Dictionary<string, AuditValue> { ["submissionId"] = "s-1" } },
            new AuditRecord(AuditEventTypes.ConsentDecision, "gateway") { Subjects = [trail.PersonB], Details = new Dictionary<string, AuditValue> { ["recipient"] = "CJIT-LEEDS", ["decision"] = "shared" } },
            new AuditRecord(AuditEventTypes.PackageSealed, "gateway") { Details = new Dictionary<string, AuditValue> { ["size"] = 20_000 } },
        ], time));
        trail.Write(audit => trail.Log.Append(audit, new AuditRecord(AuditEventTypes.Ack, "B82005"), time));

        var entries = trail.Entries();
        Assert.Equal([2L, 3L, 4L], batch.Select(e => e.Seq));
        Assert.Equal(batch.Select(e => e.Hash), entries.Skip(1).Take(3).Select(e => e.Hash));
        Assert.All(entries, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
        Assert.Equal(entries[3].Hash, entries[4].PrevHash);
        Assert.Equal([2L, 3L], trail.EntriesFor(trail.PersonB).Select(e => e.Seq));
    }

    [Fact]
    public void A_batch_with_one_bad_draft_writes_nothing()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);

        Assert.Throws<ArgumentException>(() => trail.Write(audit => trail.Log.AppendAll(audit,
        [
            new AuditRecord(AuditEventTypes.Ack, "B82005"),
            new AuditRecord(AuditEventTypes.Ack, "B82005") { Details = new Dictionary<string, AuditValue> { ["reason"] = "about 9434765919" } },
        ], DateTimeOffset.UnixEpoch)));

        Assert.Empty(trail.Entries());
    }

    [Fact]
    public void A_batch_prepared_before_the_transaction_is_checked_then_and_chains_inside_it()
    {
        using var trail = new Trail(pki, entries: 2, shutdown: false);
        var bad = new AuditRecord(AuditEventTypes.Ack, "B82005") { Details = new Dictionary<string, AuditValue> { ["reason"] = "about 9434765919" } };
        Assert.Throws<ArgumentException>(() => AuditBatch.Of([bad]));

        var batch = AuditBatch.Of(
        [
            new AuditRecord(AuditEventTypes.ConsentDecision, "gateway") { Subjects = [trail.PersonB, trail.PersonA, trail.PersonB], Details = new Dictionary<string, AuditValue> { ["recipient"] = "CJIT-LEEDS", ["decision"] = "shared" } },
            new AuditRecord(AuditEventTypes.PackageSealed, "gateway") { Subjects = [trail.PersonA] },
        ]);
        Assert.Throws<RolledBack>(() => trail.Write<int>(audit =>
        {
            trail.Log.AppendAll(audit, batch, trail.TimeOf(3));
            throw new RolledBack();
        }));

        trail.Write(audit =>
        {
            trail.Log.AppendAll(audit, batch, trail.TimeOf(3));
            return trail.Log.AppendAll(audit, AuditBatch.Empty, trail.TimeOf(3));
        });

        var entries = trail.Entries();
        Assert.Equal([1L, 2L, 3L, 4L], entries.Select(e => e.Seq));
        Assert.Equal(new[] { trail.PersonA, trail.PersonB }.Order(StringComparer.Ordinal), entries[2].Subjects);
        Assert.All(entries, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
        Assert.Equal(entries[2].Hash, entries[3].PrevHash);
    }

    [Fact]
    public void The_appender_hashes_exactly_the_documented_canonical_json_whatever_the_text()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var time = new DateTimeOffset(2026, 7, 1, 23, 59, 59, 999, TimeSpan.FromHours(1)).AddTicks(4321);
        var awkward = new Dictionary<string, AuditValue>
        {
            ["reason"] = "line\n\"quoted\" \\ back\tslash é 🙂 \u0001 end",
            ["zero"] = 0,
            ["negative"] = -9_007_199_254_740_991,
            ["a.b-c_d"] = "",
        };

        var appended = trail.Write(audit => trail.Log.AppendAll(audit,
        [
            new AuditRecord(AuditEventTypes.ConsentDecision, "admin:j.smith@example") { Subjects = [trail.PersonB, trail.PersonA], Details = awkward },
            new AuditRecord(AuditEventTypes.Ack, "B82005"),
        ], time));

        Assert.All(appended, e => Assert.Equal(AuditChain.ComputeHash(e), e.Hash));
        Assert.Equal(appended.Select(e => e.Hash), trail.Entries().Select(e => e.Hash));
        trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void The_hash_is_sha256_of_the_documented_canonical_json()
    {
        var entry = new AuditEntry(
            7,
            new DateTimeOffset(2026, 2, 4, 7, 15, 0, 120, TimeSpan.FromHours(1)),
            AuditEventTypes.DeliveryResult,
            "gateway",
            ["nhs:" + new string('a', 64)],
            new Dictionary<string, AuditValue> { ["recipient"] = "B82005", ["attempt"] = 2, ["reason"] = "line\n\"quoted\" é" },
            AuditChain.Genesis,
            "");

        var canonical = AuditChain.CanonicalForm(entry);

        Assert.Equal(
            "{\"actor\":\"gateway\",\"details\":{\"attempt\":2,\"reason\":\"line\\n\\\"quoted\\\" é\",\"recipient\":\"B82005\"},"
            + $"\"prevHash\":\"{AuditChain.Genesis}\",\"seq\":7,\"subjects\":[\"nhs:{new string('a', 64)}\"],"
            + "\"time\":\"2026-02-04T07:15:00.120+01:00\",\"type\":\"delivery-result\"}",
            canonical);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), AuditChain.ComputeHash(entry));
    }

    [Fact]
    public void Append_keeps_the_time_to_the_millisecond_with_its_offset_and_sorts_the_subjects()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var time = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.FromHours(1)).AddTicks(1_234_567);

        var entry = trail.Write(audit => trail.Log.Append(audit, new AuditRecord(AuditEventTypes.Ack, "B82005") { Subjects = [trail.PersonB, trail.PersonA, trail.PersonB] }, time));

        Assert.Equal("2026-06-01T12:00:00.123+01:00", AuditChain.FormatTime(entry.Time));
        Assert.Equal(new[] { trail.PersonA, trail.PersonB }.Order(StringComparer.Ordinal), entry.Subjects);
        Assert.Equal(entry.Hash, trail.Entry(1).Hash);
    }

    [Fact]
    public void A_checkpoint_is_signed_every_n_entries_and_on_shutdown_it_signs_the_head()
    {
        using var trail = new Trail(pki, entries: 25, interval: 10, shutdown: false);

        var shutdown = trail.Write(audit => trail.Log.Checkpoint(audit, trail.TimeOf(25)));
        var checkpoints = trail.Checkpoints();

        Assert.Equal([(1L, 10L, CheckpointReason.Interval), (2, 20, CheckpointReason.Interval), (3, 25, CheckpointReason.Shutdown)], checkpoints.Select(c => (c.Number, c.Seq, c.Reason)));
        Assert.Equal(trail.Entry(25).Hash, shutdown!.Hash);
        Assert.Equal(pki.Signer.Signer, shutdown.Signer);

        // Each is a signed tree head over its entries, with the checkpoint line its signature binds.
        var leaves = trail.Entries().Select(AuditTree.Leaf).ToList();
        var keys = CheckpointKeys.Load(pki.Folder);
        foreach (var checkpoint in checkpoints)
        {
            var head = keys.Open(CheckpointSigner.NoteOf(checkpoint), checkpoint.Signer).Head!;
            Assert.Equal((PkiFixture.Origin, checkpoint.Seq), (head.Origin, head.Size));
            Assert.Equal(MerkleTree.Root(leaves[..(int)checkpoint.Seq]), head.RootHash);
            Assert.Equal([CheckpointSigner.Extension(checkpoint.Number, checkpoint.Reason, checkpoint.Time, checkpoint.Hash)], head.Extensions);
        }
    }

    [Fact]
    public void A_checkpoint_of_an_empty_trail_is_nothing()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);

        Assert.Null(trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now)));
    }

    [Theory]
    [InlineData("nhsNumber", "943 476 5919")]
    [InlineData("note", "about 9434765919 today")]
    [InlineData("prisoner", "A1234BC")]
    public void A_detail_holding_an_identifier_in_clear_is_refused(string key, string value)
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var draft = new AuditRecord(AuditEventTypes.SubmissionReceived, "HLI") { Details = new Dictionary<string, AuditValue> { [key] = value } };

        var ex = Assert.Throws<ArgumentException>(() => trail.Write(audit => trail.Log.Append(audit, draft, pki.Now)));

        Assert.Contains("in clear", ex.Message, StringComparison.Ordinal);
        Assert.Null(trail.Read(AuditLog.Head));
    }

    [Fact]
    public void Message_ids_and_hashes_are_not_mistaken_for_identifiers()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var draft = new AuditRecord(AuditEventTypes.PackageSealed, "gateway")
        {
            Details = new Dictionary<string, AuditValue>
            {
                ["messageId"] = "01964f7e-7c1a-7b3e-9d2f-009434765919",
                ["sha256"] = "9434765919" + new string('0', 54),
                ["recipient"] = "CJIT-LEEDS",
            },
        };

        Assert.Equal(1, trail.Write(audit => trail.Log.Append(audit, draft, pki.Now)).Seq);
    }

    [Theory]
    [InlineData("delivered", "gateway", "nhs:abc")]
    [InlineData(AuditEventTypes.Ack, "not an actor", null)]
    [InlineData(AuditEventTypes.Ack, "B82005", "9434765919")]
    public void A_draft_with_an_unknown_type_a_bad_actor_or_a_subject_that_is_not_a_key_is_refused(string type, string actor, string? subject)
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var draft = new AuditRecord(type, actor) { Subjects = subject is null ? [] : [subject] };

        Assert.Throws<ArgumentException>(() => trail.Write(audit => trail.Log.Append(audit, draft, pki.Now)));
    }

    [Fact]
    public void Every_entry_type_is_in_the_projects_audit_event_type_codesystem()
    {
        var codeSystem = ProfileSet.Embedded.CodeSystemByUrl(FhirNames.CodeSystem(FhirNames.Cs.AuditEventType));

        Assert.NotNull(codeSystem);
        Assert.Equal(AuditEventTypes.All, codeSystem.Concept.Select(c => c.Code));
    }

    [Fact]
    public void A_valid_trail_verifies_with_no_problem_and_no_warning()
    {
        using var trail = new Trail(pki);

        var result = trail.Verify();

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Empty(result.Warnings);
        Assert.Equal(30, result.EntryCount);
        Assert.Equal(4, result.ValidCheckpoints.Count);
        Assert.Equal(CheckpointReason.Shutdown, result.LastCheckpoint!.Reason);
    }

    [Fact]
    public void Entries_after_the_last_checkpoint_fail_verification_unless_the_unsigned_tail_is_allowed()
    {
        using var trail = new Trail(pki, entries: 14, interval: 10, shutdown: false);

        var strict = trail.Verify();
        var live = trail.Verify(allowUnsignedTail: true);

        Assert.False(strict.IsValid);
        Assert.Equal(11, strict.FirstBadSeq);
        Assert.StartsWith("entries 11 to 14 are not covered by a signed checkpoint (the newest valid one, #1, signs entry 10)", strict.FirstProblem!.Reason, StringComparison.Ordinal);
        Assert.True(live.IsValid, string.Join("; ", live.Problems));
        Assert.Contains(live.Warnings, w => w.StartsWith("entries 11 to 14 are not covered", StringComparison.Ordinal));
    }

    [Fact]
    public void A_checkpoint_key_is_refused_when_the_verifier_key_beside_it_is_another_keys_or_names_another_origin()
    {
        using var certs = new TempFolder();
        CheckpointSigner.CreateKeyFiles(certs.Path, PkiFixture.Origin);
        File.Copy(Path.Combine(pki.Folder, CheckpointSigner.VerifierKeyFile), certs.File(CheckpointSigner.VerifierKeyFile), overwrite: true);

        var otherKey = Assert.Throws<CryptographicException>(() => CheckpointSigner.Load(certs.Path));
        Assert.Contains("is not the verifier key of", otherKey.Message, StringComparison.Ordinal);
        Assert.Throws<CryptographicException>(() => CheckpointSigner.Load(pki.Folder, "another.example/log"));
        Assert.Equal(PkiFixture.Origin, CheckpointSigner.Load(pki.Folder).Origin);
    }
}
