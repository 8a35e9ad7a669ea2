using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Cli;
using ExchangeGateway.Crypto;
using ExchangeGateway.Mesh;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Records to a GP practice through MESH and its answers back, over the MESH sandbox, packages sealed end to end.</summary>
public sealed class MeshDeliveryTests : GatewayOnMesh
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_release_reaches_a_GP_through_MESH_sealed_and_opens_with_exg_open_and_the_GPs_acknowledgement_is_tracked()
    {
        var (_, messageId) = await ReleaseInGpInboxAsync();
        using var gp = GpClient();

        var meshId = Assert.Single(await gp.InboxAsync());
        var incoming = await gp.DownloadAsync(meshId);

        Assert.Equal((GatewayMailbox, messageId, MeshIncoming.Data), (incoming.From, incoming.LocalId, incoming.MessageType));
        var sent = Sandbox.Message(meshId)!.Headers;
        Assert.Equal($"{messageId}.p7m", sent["mex-FileName"]);
        Assert.Equal("Y", sent["mex-Content-Encrypted"]);
        Assert.Equal(MeshDelivery.Subject, sent["mex-Subject"]);
        Assert.Equal(RecordWorkflow, sent["mex-WorkflowID"]);
        Assert.Equal(meshId, Gateway.Outbox.Store.InTransaction(tx => tx.Mesh.MeshIdOf(messageId)));
        Assert.Equal(MessageStatus.Delivered, Line(messageId).Status);
        Assert.Contains("Bundle", OpenWithExg(incoming.Content), StringComparison.Ordinal);

        await gp.AcknowledgeAsync(meshId);

        await GatewayUnderTest.Eventually(() => Line(messageId).Status == MessageStatus.Acknowledged, Patience, "the acknowledgement tracked");
        Assert.True(Sandbox.Handshakes.GetValueOrDefault(GatewayMailbox) >= 1, "the gateway's handshake with MESH");
        AssertNoCredentialLogged();
        await AssertTrailVerifiesAsync();
    }

    [Fact]
    public async Task A_release_the_GP_does_not_collect_in_5_days_is_undeliverable_at_the_sender()
    {
        var (submissionId, messageId) = await ReleaseInGpInboxAsync();

        MeshClock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        Sandbox.ExpireOverdue();

        await GatewayUnderTest.Eventually(() => Line(messageId).Status == MessageStatus.Expired, Patience, "the MESH report taken");
        Assert.Contains("MESH reported it undeliverable (14: Message not collected by recipient after 5 days)", Line(messageId).LastError, StringComparison.Ordinal);
        Assert.Equal("undeliverable", (await Gateway.Track("HLI", submissionId))["B86030"]["status"]!.GetValue<string>());
        await GatewayUnderTest.Eventually(() => Sandbox.Inbox(GatewayMailbox).Count == 0, Patience, "the report acknowledged");
        AssertNoCredentialLogged();
        await AssertTrailVerifiesAsync();
    }

    [Fact]
    public async Task A_release_MESH_gives_up_on_without_a_report_is_found_undeliverable_by_tracking()
    {
        var (submissionId, messageId) = await ReleaseInGpInboxAsync();
        Sandbox.SuppressReports = true;

        MeshClock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        Sandbox.ExpireOverdue();

        await GatewayUnderTest.Eventually(() => Line(messageId).Status == MessageStatus.Expired, Patience, "the expiry found by tracking");
        Assert.StartsWith("MESH tracking says undeliverable (14: ", Line(messageId).LastError, StringComparison.Ordinal);
        Assert.Equal("undeliverable", (await Gateway.Track("HLI", submissionId))["B86030"]["status"]!.GetValue<string>());
        AssertNoCredentialLogged();
    }

    [Fact]
    public async Task An_answer_sent_back_through_MESH_is_applied_once_even_when_the_gateway_stops_before_acknowledging_it()
    {
        var (_, messageId) = await ReleaseInGpInboxAsync();
        using var gp = GpClient();
        var signed = SignedAnswer(messageId);

        // MESH takes the answer but cannot record the gateway's acknowledgement: the gateway has applied it, then stops.
        Sandbox.FailAcknowledgements = true;
        await gp.SendAsync(new MeshOutgoing(GatewayMailbox, AnswerWorkflow, signed, Guid.NewGuid().ToString(), "answer.p7m", "answer", Encrypted: false), 1024 * 1024);
        await GatewayUnderTest.Eventually(() => Gateway.Outbox.Store.InTransaction(tx => tx.Responses.Find(messageId)) is not null, Patience, "the answer applied");
        await GatewayUnderTest.Eventually(() => Sandbox.Refusals.Any(r => r.StartsWith("500", StringComparison.Ordinal)), Patience, "an acknowledgement refused");
        await Gateway.StopKeepingDataAsync();
        Assert.Single(Sandbox.Inbox(GatewayMailbox));

        Sandbox.FailAcknowledgements = false;
        Gateway = await StartOnMeshAsync(Gateway.Folder, SharedKey);

        await GatewayUnderTest.Eventually(() => Sandbox.Inbox(GatewayMailbox).Count == 0, Patience, "the answer acknowledged after the restart");
        Assert.Equal("accepted", Gateway.Outbox.Store.InTransaction(tx => tx.Responses.Find(messageId))!.Outcome);
        Assert.Single(AuditLines(), line => line.Contains("\"business-response\"", StringComparison.Ordinal) && line.Contains(messageId, StringComparison.Ordinal));
        AssertNoCredentialLogged();
    }

    [Fact]
    public async Task An_answer_through_MESH_is_applied_once_when_the_gateway_process_is_killed_between_applying_and_acknowledging_it()
    {
        var (submissionId, messageId) = await ReleaseInGpInboxAsync();
        await Gateway.StopKeepingDataAsync();

        // The same gateway as a process of its own, on the same data, which this test kills with SIGKILL.
        var port = CrashTests.FreePort();
        var address = new Uri($"https://127.0.0.1:{port}/");
        string[] args =
        [
            "--urls", $"https://127.0.0.1:{port}", "--data", Gateway.Data, "--agencies", Path.Combine(Gateway.Folder, "agencies.json"),
            "--certs", GatewayUnderTest.Certs, .. MeshSettings(SharedKey),
        ];
        Sandbox.FailAcknowledgements = true;
        using var process = await CrashTests.Start(args, Path.Combine(Gateway.Folder, "killed.log"), address);
        try
        {
            using var gp = GpClient();
            await gp.SendAsync(new MeshOutgoing(GatewayMailbox, AnswerWorkflow, SignedAnswer(messageId), Guid.NewGuid().ToString(), "answer.p7m", "answer", Encrypted: false), 1024 * 1024);
            using var hli = new Http.GatewayClient(address, Http.TlsIdentity.Load(GatewayUnderTest.Certs, "HLI", TimeProvider.System));
            await GatewayUnderTest.Eventually(() => Responded(hli, submissionId), Patience, "the answer applied by the process");
            await GatewayUnderTest.Eventually(() => Sandbox.Refusals.Any(r => r.StartsWith("500", StringComparison.Ordinal)), Patience, "its acknowledgement refused");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Single(Sandbox.Inbox(GatewayMailbox));
        Assert.DoesNotContain(GatewayPassword, await File.ReadAllTextAsync(Path.Combine(Gateway.Folder, "killed.log")), StringComparison.Ordinal);
        Sandbox.FailAcknowledgements = false;
        Gateway = await StartOnMeshAsync(Gateway.Folder, SharedKey);

        await GatewayUnderTest.Eventually(() => Sandbox.Inbox(GatewayMailbox).Count == 0, Patience, "the answer acknowledged after the restart");
        Assert.Single(AuditLines(), line => line.Contains("\"business-response\"", StringComparison.Ordinal) && line.Contains(messageId, StringComparison.Ordinal));
        AssertNoCredentialLogged();
    }

    [Fact]
    public async Task An_answer_through_MESH_not_signed_by_the_mailboxs_own_agency_is_dropped_audited_and_never_applied()
    {
        var (_, messageId) = await ReleaseInGpInboxAsync();
        using var gp = GpClient();
        var answer = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["messageId"] = messageId,
            ["response"] = new JsonObject { ["outcome"] = "rejected", ["by"] = new JsonObject { ["name"] = "Someone Else", ["role"] = "GP" } },
        }.ToJsonString());
        var otherPractice = new PackageSealer(KeyPair.Load(Path.Combine(GatewayUnderTest.Certs, "B82005.crt"), Path.Combine(GatewayUnderTest.Certs, "B82005.key")), TrustStore.Load(GatewayUnderTest.Certs), TimeProvider.System);

        // From B86030's mailbox: one signed by another practice, one not signed at all.
        await gp.SendAsync(new MeshOutgoing(GatewayMailbox, AnswerWorkflow, otherPractice.SignOnly(answer, PackageOpener.GatewayAgencyId), "a1", "answer.p7m", "answer", Encrypted: false), 1024 * 1024);
        await gp.SendAsync(new MeshOutgoing(GatewayMailbox, AnswerWorkflow, answer, "a2", "answer.json", "answer", Encrypted: false), 1024 * 1024);

        await GatewayUnderTest.Eventually(() => Sandbox.Inbox(GatewayMailbox).Count == 0, Patience, "both dropped and acknowledged");
        Assert.Null(Gateway.Outbox.Store.InTransaction(tx => tx.Responses.Find(messageId)));
        var problems = AuditLines().Where(line => line.Contains("\"certificate-problem\"", StringComparison.Ordinal)).ToList();
        Assert.Contains(problems, line => line.Contains("is signed by B82005; dropped", StringComparison.Ordinal));
        Assert.Contains(problems, line => line.Contains("its signature was refused", StringComparison.Ordinal));
        AssertNoCredentialLogged();
    }

    // The trail, stopped, verifies: each message's state (delivered, acknowledged, expired through MESH) has its audit entry.
    private async Task AssertTrailVerifiesAsync()
    {
        await Gateway.StopKeepingDataAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(ExgCommandLine.Run(["audit", "verify", "--data", Gateway.Data, "--certs", GatewayUnderTest.Certs], output, error) == 0, output + error.ToString());
    }

    private static byte[] SignedAnswer(string messageId)
    {
        var answer = new JsonObject
        {
            ["messageId"] = messageId,
            ["response"] = new JsonObject { ["outcome"] = "accepted", ["by"] = new JsonObject { ["name"] = "Dr A Patel", ["role"] = "GP" } },
        };
        var signer = new PackageSealer(KeyPair.Load(Path.Combine(GatewayUnderTest.Certs, "B86030.crt"), Path.Combine(GatewayUnderTest.Certs, "B86030.key")), TrustStore.Load(GatewayUnderTest.Certs), TimeProvider.System);
        return signer.SignOnly(Encoding.UTF8.GetBytes(answer.ToJsonString()), PackageOpener.GatewayAgencyId);
    }

    private static bool Responded(Http.GatewayClient sender, string submissionId)
    {
        var track = sender.TrackAsync(submissionId).GetAwaiter().GetResult();
        return track.IsSuccess && GatewayUnderTest.Json(track.Text)["recipients"]!.AsArray().Any(r => r!["recipient"]!.GetValue<string>() == "B86030" && r["response"] is not null);
    }

    private string OpenWithExg(byte[] package)
    {
        var file = Path.Combine(Gateway.Folder, "from-mesh.p7m");
        var document = Path.Combine(Gateway.Folder, "from-mesh.json");
        File.WriteAllBytes(file, package);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(ExgCommandLine.Run(["open", file, "--as", "B86030", "--certs", GatewayUnderTest.Certs, "--out", document], output, error) == 0, error.ToString());
        return File.ReadAllText(document);
    }

    private List<string> AuditLines()
    {
        var export = Path.Combine(Gateway.Folder, "audit.jsonl");
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(ExgCommandLine.Run(["audit", "export", "--data", Gateway.Data, "--out", export, "--certs", GatewayUnderTest.Certs], output, error) == 0, error.ToString());
        return [.. File.ReadLines(export)];
    }
}
