using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Audit;
using ExchangeGateway.Storage;
using ExchangeGateway.Storage.Sqlite;
using ExchangeGateway.TestData;
using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// The agencies as witnesses of the audit log: the checkpoints pushes and mailbox fetches carry, what exg pull keeps,
/// delivery receipts checked offline, and a rewritten trail caught by the checkpoints an agency holds.
/// </summary>
public sealed class AuditWitnessTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // The timer is off, so each checkpoint in these tests is the one the test asks for.
    private protected override Task<GatewayUnderTest> StartGatewayAsync() => Start(null);

    [Fact]
    public async Task Pushes_and_fetches_carry_the_newest_checkpoint_pull_keeps_it_and_a_receipt_proves_the_delivery_offline()
    {
        using var folder = new TemporaryFolder();
        var first = ByRecipient(await Submit(Release()));
        Sign();
        var second = ByRecipient(await Submit(Release()));
        var pushed = second["CJIT-LEEDS"];
        await GatewayUnderTest.Eventually(() => PushHeader(pushed) is not null, Patience, "the push to the CJIT");

        // The push carries a tree head signed by the checkpoint key of certs-dev, over the trail as it was.
        var keys = CheckpointKeys.Load(GatewayUnderTest.Certs);
        var pushedHead = keys.Open(Encoding.UTF8.GetString(Convert.FromBase64String(PushHeader(pushed)!))).Head;
        Assert.NotNull(pushedHead);
        Assert.Equal(CheckpointSigner.DevelopmentOrigin, pushedHead.Origin);

        var inbox = Path.Combine(folder.Path, "in");
        var (pulled, pullOutput, pullError) = Exg("pull", "--gateway", Gateway.Address.ToString(), "--as", "B86030", "--certs", GatewayUnderTest.Certs, "--out", inbox);
        Assert.True(pulled == 0, pullError);
        Assert.Contains("kept in", pullOutput, StringComparison.Ordinal);
        var kept = Assert.Single(Directory.GetFiles(Path.Combine(inbox, "checkpoints"), "*" + WitnessCheckpoint.FileExtension));
        Assert.Equal(pushedHead, keys.Open(await File.ReadAllTextAsync(kept)).Head);

        // The fetch is recorded after the newest checkpoint: its receipt waits for the next one.
        using var gp = Gateway.Client("B86030");
        var messageId = first["B86030"]["messageId"]!.GetValue<string>();
        var early = await gp.ReceiptAsync(messageId);
        Assert.Equal(HttpStatusCode.Accepted, early.Status);
        Assert.NotNull(early.RetryAfter);
        Sign();
        var receipt = await gp.ReceiptAsync(messageId);
        Assert.True(receipt.IsSuccess, receipt.Text);
        var json = JsonNode.Parse(receipt.Text)!;
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.Client("B82005").ReceiptAsync(messageId)).Status);

        var proof = Path.Combine(folder.Path, "proof.json");
        var checkpoint = Path.Combine(folder.Path, "receipt.checkpoint");
        var entry = Path.Combine(folder.Path, "entry.jsonl");
        await File.WriteAllTextAsync(proof, json["proof"]!.ToJsonString());
        await File.WriteAllTextAsync(checkpoint, json["checkpoint"]!.GetValue<string>());
        await File.WriteAllTextAsync(entry, json["entry"]!.GetValue<string>());
        Assert.Contains("\"type\":\"mailbox-fetch\"", json["entry"]!.GetValue<string>(), StringComparison.Ordinal);
        var (checkedOk, checkedOutput, checkedError) = Exg("audit", "check-proof", "--proof", proof, "--checkpoint", checkpoint, "--entry", entry, "--certs", GatewayUnderTest.Certs);
        Assert.True(checkedOk == 0, checkedError);
        Assert.StartsWith("verified: entry", checkedOutput, StringComparison.Ordinal);

        // Another entry in its place does not pass.
        await File.WriteAllTextAsync(entry, json["entry"]!.GetValue<string>().Replace("\"B86030\"", "\"B82005\"", StringComparison.Ordinal));
        Assert.Equal(1, Exg("audit", "check-proof", "--proof", proof, "--checkpoint", checkpoint, "--entry", entry, "--certs", GatewayUnderTest.Certs).Exit);

        // The kept checkpoint and the receipt's are consistent, by the gateway's proof, checked offline.
        var head = keys.Open(json["checkpoint"]!.GetValue<string>()).Head!;
        using var witness = Gateway.Client("B86030");
        var consistency = Path.Combine(folder.Path, "consistency.json");
        await File.WriteAllTextAsync(consistency, (await witness.ConsistencyAsync(pushedHead.Size, head.Size)).Text);
        var (consistent, _, consistentError) = Exg("audit", "check-proof", "--proof", consistency, "--checkpoint", kept, "--checkpoint", checkpoint, "--certs", GatewayUnderTest.Certs);
        Assert.True(consistent == 0, consistentError);
        Assert.Equal(HttpStatusCode.BadRequest, (await witness.ConsistencyAsync(head.Size, head.Size + 1_000_000)).Status);
    }

    [Fact]
    public async Task A_trail_rewritten_and_signed_again_passes_its_own_verify_but_contradicts_the_checkpoint_a_GP_kept_and_the_GPs_next_pull_says_so()
    {
        using var folder = new TemporaryFolder();
        var inbox = Path.Combine(folder.Path, "in");
        await Submit(Release());
        Sign();
        var (pulled, _, pullError) = Exg("pull", "--gateway", Gateway.Address.ToString(), "--as", "B86030", "--certs", GatewayUnderTest.Certs, "--out", inbox);
        Assert.True(pulled == 0, pullError);
        var witnessFolder = Path.Combine(inbox, "checkpoints");
        var kept = Path.GetFileName(Assert.Single(Directory.GetFiles(witnessFolder)));
        await Gateway.StopKeepingDataAsync();

        var honest = Exg("audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs, "--witness", witnessFolder);
        Assert.True(honest.Exit == 0, honest.Error);

        // Someone holding the database and the checkpoint key rewrites who submitted the record, rehashes the chain,
        // rebuilds the tree and signs it again: the trail verifies on its own.
        Rewrite(Gateway.Data, seq: 1, actor: "BMI");
        var alone = Exg("audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs);
        Assert.True(alone.Exit == 0, alone.Error);

        var witnessed = Exg("audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs, "--witness", witnessFolder);
        Assert.Equal(1, witnessed.Exit);
        Assert.Contains($"the trail contradicts kept checkpoint {kept}", witnessed.Error, StringComparison.Ordinal);

        // The rewritten gateway goes on; the GP's next pull is shown a checkpoint that cannot extend the one it kept.
        Gateway = await Start(Gateway.Folder);
        await Submit(Release());
        Sign();
        var (next, _, nextError) = Exg("pull", "--gateway", Gateway.Address.ToString(), "--as", "B86030", "--certs", GatewayUnderTest.Certs, "--out", inbox);
        Assert.Equal(1, next);
        Assert.Contains("THE GATEWAY'S AUDIT LOG CONTRADICTS A CHECKPOINT KEPT HERE", nextError, StringComparison.Ordinal);
        Assert.Contains(kept, nextError, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(witnessFolder, "*" + CheckpointWitness.InconsistentExtension));
        Assert.Single(Directory.GetFiles(witnessFolder, "*" + WitnessCheckpoint.FileExtension));
    }

    private Task<GatewayUnderTest> Start(string? folder) =>
        GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(["--Gateway:AuditCheckpointSeconds", "0"]), folder: folder);

    private void Sign()
    {
        Assert.NotNull(Gateway.Service<GatewayAudit>().CheckpointIfUncovered(CheckpointReason.Requested));
        Gateway.Service<LatestCheckpoint>().Invalidate();
    }

    private string? PushHeader(JsonNode message) =>
        Agencies.LogEntries
            .Where(e => e.RequestMessage.Headers!.TryGetValue("X-Message-Id", out var id) && id.ToString() == message["messageId"]!.GetValue<string>())
            .Select(e => e.RequestMessage.Headers!.TryGetValue(LatestCheckpoint.HeaderName, out var value) ? value.ToString() : null)
            .FirstOrDefault();

    private async Task<JsonNode> Submit(byte[] body)
    {
        using var client = Gateway.Client("HLI");
        var response = await client.SubmitAsync(body);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Text);
        return GatewayUnderTest.Json(response.Text);
    }

    private static byte[] Release() => Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = Guid.NewGuid().ToString());

    private static Dictionary<string, JsonNode> ByRecipient(JsonNode accepted) =>
        accepted["messages"]!.AsArray().ToDictionary(m => m!["recipient"]!.GetValue<string>(), m => m!);

    private static (int Exit, string Output, string Error) Exg(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ExchangeGateway.Cli.ExgCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    // What an insider with the database and the checkpoint key can do: change an entry, rehash every entry after it,
    // drop the checkpoints and the tree, and sign the rewritten trail with the real key.
    private static void Rewrite(string data, long seq, string actor)
    {
        var path = Path.Combine(data, DatabaseLocation.SqliteFileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            foreach (var trigger in AuditLog.Triggers)
            {
                Execute(connection, $"DROP TRIGGER IF EXISTS {trigger}");
            }

            List<AuditEntry> entries;
            using (var store = SqliteStore.Open(path, TimeProvider.System))
            {
                entries = store.Snapshot(tx => AuditLog.Entries(tx.Audit).ToList());
            }

            var previous = AuditChain.Genesis;
            foreach (var entry in entries)
            {
                var changed = (entry.Seq == seq ? entry with { Actor = actor } : entry) with { PrevHash = previous };
                changed = changed with { Hash = AuditChain.ComputeHash(changed) };
                Execute(connection, "UPDATE audit_entries SET actor = $actor, prev_hash = $prev, hash = $hash WHERE seq = $seq",
                    ("$actor", changed.Actor), ("$prev", changed.PrevHash), ("$hash", changed.Hash), ("$seq", changed.Seq));
                previous = changed.Hash;
            }

            Execute(connection, "DELETE FROM audit_checkpoints");
            Execute(connection, "DELETE FROM audit_tree");
        }

        using var rewritten = SqliteStore.Open(path, TimeProvider.System);
        var log = new AuditLog(CheckpointSigner.Load(GatewayUnderTest.Certs));
        rewritten.InTransaction(tx => log.Checkpoint(tx.Audit, DateTimeOffset.UtcNow, CheckpointReason.Shutdown));
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
