using System.Security.Cryptography;
using ExchangeGateway.Crypto;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>A package larger than the chunk size goes through MESH in chunks and arrives as it was sealed.</summary>
public sealed class MeshChunkingTests : GatewayOnMesh
{
    /// <inheritdoc/>
    protected override int ChunkSize => 4096;

    [Fact]
    public async Task A_large_package_goes_in_chunks_and_arrives_byte_identical()
    {
        var (_, messageId) = await ReleaseInGpInboxAsync();
        using var gp = GpClient();
        var meshId = Assert.Single(await gp.InboxAsync());

        var incoming = await gp.DownloadAsync(meshId);

        var held = Sandbox.Message(meshId)!;
        Assert.True(held.Chunks.Length > 2, $"{held.Chunks.Length} chunks");
        Assert.All(held.Chunks[..^1], chunk => Assert.Equal(4096, chunk!.Length));
        Assert.Equal(held.Headers["mex-Content-Checksum"], "SHA256:" + Convert.ToHexStringLower(SHA256.HashData(incoming.Content)));
        Assert.Equal(messageId, new PackageOpener(RecipientIdentity.Load(GatewayUnderTest.Certs, "B86030"), TrustStore.Load(GatewayUnderTest.Certs), TimeProvider.System).Open(incoming.Content).MessageId);
        AssertNoCredentialLogged();
    }
}

/// <summary>MESH refusing the gateway's credentials: the message waits and is retried, and goes once the key is mended.</summary>
public sealed class MeshWrongKeyTests : GatewayOnMesh
{
    /// <inheritdoc/>
    protected override string GatewaySharedKey => "not-the-environments-key";

    [Fact]
    public async Task A_wrong_HMAC_is_refused_and_retried_and_the_message_goes_once_the_key_is_mended()
    {
        var (_, messageId) = await SubmitReleaseAsync();

        await GatewayUnderTest.Eventually(() => Line(messageId).Attempts >= 2, TimeSpan.FromSeconds(20), "two refused attempts");
        Assert.Equal(MessageStatus.Queued, Line(messageId).Status);
        Assert.Equal("MESH refused the gateway's credentials (403)", Line(messageId).LastError);
        Assert.Contains(Sandbox.Refusals, r => r.Contains("HMAC is wrong", StringComparison.Ordinal));
        Assert.DoesNotContain("not-the-environments-key", Gateway.Logs.Text, StringComparison.Ordinal);
        await Gateway.StopKeepingDataAsync();

        Gateway = await StartOnMeshAsync(Gateway.Folder, SharedKey);

        await GatewayUnderTest.Eventually(() => Line(messageId).Status == MessageStatus.Delivered, TimeSpan.FromSeconds(20), "the message sent with the mended key");
        Assert.Single(Sandbox.Inbox(GpMailbox));
        AssertNoCredentialLogged();
    }
}

/// <summary>A GP mailbox MESH does not know: MESH will never take the message, so it is dead-lettered at once.</summary>
public sealed class MeshUnknownMailboxTests : GatewayOnMesh
{
    /// <inheritdoc/>
    protected override string DirectoryGpMailbox => "XNOBODY";

    [Fact]
    public Task A_GP_mailbox_MESH_does_not_know_is_dead_lettered_at_once_naming_MESHs_refusal() =>
        AssertDeadLetteredAtOnceAsync("MESH answered 417 EPL-151: Unregistered to address");
}

/// <summary>A workflow the GP's MESH mailbox is not registered for: MESH will never take the message, so it is dead-lettered at once.</summary>
public sealed class MeshUnknownWorkflowTests : GatewayOnMesh
{
    /// <inheritdoc/>
    protected override string DirectoryGpWorkflow => "EXG_UNREGISTERED";

    [Fact]
    public Task A_workflow_the_GP_is_not_registered_for_is_dead_lettered_at_once_naming_MESHs_refusal() =>
        AssertDeadLetteredAtOnceAsync("MESH answered 417 EPL-152: Unregistered workflow for this recipient");
}
