using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Mesh;
using ExchangeGateway.MeshSandbox;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// A test class's MESH sandbox and a gateway with a MESH mailbox, its GP practice B86030 reached through MESH; the
/// sandbox's clock is a fake one the test moves.
/// </summary>
public abstract class GatewayOnMesh : GatewayWithAgencies
{
    internal const string GatewayMailbox = "XEXG001";
    internal const string GpMailbox = "XB86030";
    internal const string RecordWorkflow = "EXG_RECORD";
    internal const string AnswerWorkflow = "EXG_ANSWER";
    internal const string GatewayPassword = "gateway-mailbox-password-5d1c";
    internal const string SharedKey = "mesh-environment-shared-key-90ab";
    private const string GpPassword = "gp-mailbox-password-77e2";
    private string folder = null!;

    /// <summary>The sandbox's clock.</summary>
    protected FakeTimeProvider MeshClock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The MESH sandbox.</summary>
    protected MeshSandboxHost Sandbox { get; private set; } = null!;

    /// <summary>The GP's MESH mailbox in the directory (an unregistered one tests dead-lettering).</summary>
    protected virtual string DirectoryGpMailbox => GpMailbox;

    /// <summary>The GP's MESH workflow in the directory (an unregistered one tests dead-lettering).</summary>
    protected virtual string DirectoryGpWorkflow => RecordWorkflow;

    /// <summary>The shared key the gateway is configured with (a wrong one tests refusal).</summary>
    protected virtual string GatewaySharedKey => SharedKey;

    /// <summary>The largest chunk the gateway sends.</summary>
    protected virtual int ChunkSize => 1024 * 1024;

    private protected override async Task<GatewayUnderTest> StartGatewayAsync()
    {
        folder = Directory.CreateTempSubdirectory("exg-mesh-").FullName;
        var ca = KeyPair.Load(Path.Combine(GatewayUnderTest.Certs, "ca.crt"), Path.Combine(GatewayUnderTest.Certs, "ca.key"));
        var server = DevelopmentPki.Issue(ca, new CertificateProfile("mesh-sandbox", AgencyType.Gateway), TimeProvider.System);
        DevelopmentPki.Write(server, Path.Combine(folder, "mesh.crt"), Path.Combine(folder, "mesh.key"));
        Sandbox = await MeshSandboxHost.StartAsync(new SandboxOptions(
            [
                new SandboxMailbox(GatewayMailbox, GatewayPassword, "EXG", [AnswerWorkflow]),
                new SandboxMailbox(GpMailbox, GpPassword, "B86030", [RecordWorkflow]),
            ],
            SharedKey, X509Certificate2.CreateFromPemFile(Path.Combine(folder, "mesh.crt"), Path.Combine(folder, "mesh.key")), Authority(), MeshClock));
        return await StartOnMeshAsync(null, GatewaySharedKey);
    }

    /// <summary>Starts the gateway (again, on <paramref name="data"/>'s folder when given) with its MESH mailbox.</summary>
    private protected Task<GatewayUnderTest> StartOnMeshAsync(string? data, string sharedKey) => GatewayUnderTest.StartAsync(
        Agencies.Url!,
        settings: args => args.AddRange(MeshSettings(sharedKey)),
        folder: data,
        directory: agencies =>
        {
            var gp = agencies.Single(a => a!["id"]!.GetValue<string>() == "B86030")!.AsObject();
            gp["mesh"] = new JsonObject { ["mailbox"] = DirectoryGpMailbox, ["workflowId"] = DirectoryGpWorkflow };
        });

    /// <summary>The gateway's MESH settings, as command-line arguments.</summary>
    private protected string[] MeshSettings(string sharedKey) =>
    [
        "--Gateway:Mesh:Url", Sandbox.Url.ToString(), "--Gateway:Mesh:Mailbox", GatewayMailbox, "--Gateway:Mesh:Password", GatewayPassword,
        "--Gateway:Mesh:SharedKey", sharedKey, "--Gateway:Mesh:ClientCertificate", Path.Combine(GatewayUnderTest.Certs, "gateway.crt"),
        "--Gateway:Mesh:ServerAuthority", Path.Combine(GatewayUnderTest.Certs, "ca.crt"), "--Gateway:Mesh:PollInterval", "00:00:00.200",
        "--Gateway:Mesh:TrackingInterval", "00:00:00.200", "--Gateway:Mesh:ChunkSize", ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];

    /// <summary>The GP practice's own MESH client, with its certificate from certs-dev.</summary>
    protected MeshClient GpClient() => new(
        new MeshConnection(Sandbox.Url, MeshConnection.LoadCertificate(Path.Combine(GatewayUnderTest.Certs, "B86030.crt")), Authority(), TimeSpan.FromSeconds(10)),
        new MeshCredentials(GpMailbox, GpPassword, SharedKey), TimeProvider.System);

    /// <summary>A release for HLI's person, to B86030 among others; returns the submission id and B86030's message id.</summary>
    protected async Task<(string SubmissionId, string MessageId)> SubmitReleaseAsync()
    {
        var submissionId = Guid.NewGuid().ToString();
        using var client = Gateway.Client("HLI");
        var answer = await client.SubmitAsync(Examples.Variant(Examples.ReleaseOst, j => j["submissionId"] = submissionId));
        Assert.True(answer.IsSuccess, answer.Text);
        var line = GatewayUnderTest.Json(answer.Text)["messages"]!.AsArray().Single(m => m!["recipient"]!.GetValue<string>() == "B86030")!;
        return (submissionId, line["messageId"]!.GetValue<string>());
    }

    /// <summary>A release submitted and waiting in the GP's MESH inbox.</summary>
    protected async Task<(string SubmissionId, string MessageId)> ReleaseInGpInboxAsync()
    {
        var release = await SubmitReleaseAsync();
        await GatewayUnderTest.Eventually(() => Sandbox.Inbox(GpMailbox).Count == 1, TimeSpan.FromSeconds(20), "the release in the GP's MESH inbox");
        return release;
    }

    /// <summary>A release MESH refuses for good: dead-lettered after one attempt, with MESH's words.</summary>
    protected async Task AssertDeadLetteredAtOnceAsync(string refusal)
    {
        var (_, messageId) = await SubmitReleaseAsync();

        await GatewayUnderTest.Eventually(() => Line(messageId).Status == MessageStatus.DeadLetter, TimeSpan.FromSeconds(20), "the message dead-lettered");
        Assert.Equal((refusal, 1), (Line(messageId).LastError, Line(messageId).Attempts));
        AssertNoCredentialLogged();
    }

    /// <summary>The stored state of a message.</summary>
    protected OutboxLine Line(string messageId) => Gateway.Outbox.List(null, 1000).Single(m => m.MessageId == messageId);

    /// <summary>No MESH credential in anything the gateway logged (people's data is checked when it stops).</summary>
    protected void AssertNoCredentialLogged()
    {
        Assert.DoesNotContain(GatewayPassword, Gateway.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(SharedKey, Gateway.Logs.Text, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Sandbox.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    private static X509Certificate2 Authority() => X509CertificateLoader.LoadCertificateFromFile(Path.Combine(GatewayUnderTest.Certs, "ca.crt"));
}
