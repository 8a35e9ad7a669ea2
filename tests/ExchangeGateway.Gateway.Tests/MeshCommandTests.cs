using ExchangeGateway.Cli;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>exg mesh: an administrator checking a MESH mailbox by hand, against the sandbox.</summary>
public sealed class MeshCommandTests : GatewayOnMesh
{
    private const string GpPassword = "gp-mailbox-password-77e2";

    private (int Exit, string Out, string Err) Mesh(string password, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] connection =
        [
            "--url", Sandbox.Url.ToString(), "--mailbox", GpMailbox, "--password", password, "--shared-key", SharedKey,
            "--client-certificate", Path.Combine(GatewayUnderTest.Certs, "B86030.crt"), "--server-authority", Path.Combine(GatewayUnderTest.Certs, "ca.crt"),
        ];
        var exit = ExgCommandLine.Run(["mesh", .. args, .. connection], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Handshake_send_inbox_and_track_work_by_hand_and_a_download_is_the_file_sent()
    {
        Assert.Equal((0, $"MESH answered the handshake of mailbox {GpMailbox}"), (Mesh(GpPassword, "handshake").Exit, Mesh(GpPassword, "handshake").Out.Trim()));
        var file = Path.Combine(Gateway.Folder, "note.bin");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 5000).Select(i => (byte)i)]);

        var (exit, sent, error) = Mesh(GpPassword, "send", "--to", GpMailbox, "--workflow", RecordWorkflow, "--file", file, "--chunk-size", "2048");
        Assert.True(exit == 0, error);
        var meshId = sent.Trim();

        Assert.Equal([meshId, "1 message waiting for mailbox XB86030"], Mesh(GpPassword, "inbox").Out.Trim().Split('\n'));
        var folder = Path.Combine(Gateway.Folder, "downloads");
        Assert.Equal(0, Mesh(GpPassword, "inbox", "--download", folder).Exit);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(folder, meshId + ".dat")));
        Assert.Equal(3, Sandbox.Message(meshId)!.Chunks.Length);
        Assert.StartsWith($"{meshId}  accepted  00", Mesh(GpPassword, "track", "--message-id", meshId).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_refused_by_MESH_and_said_without_echoing_it()
    {
        var (exit, _, error) = Mesh("not-the-password", "handshake");

        Assert.Equal(1, exit);
        Assert.Contains("MESH answered 403 EPL-403", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_password_is_a_usage_error_naming_the_option_and_its_variable()
    {
        var (exit, _, error) = Mesh("", "handshake");

        Assert.Equal(2, exit);
        Assert.Contains("--password is required (or set $Gateway__Mesh__Password)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_never_shows_a_key_taken_from_the_environment()
    {
        const string secret = "environment-shared-key-never-shown-3f1";
        Environment.SetEnvironmentVariable("Gateway__Mesh__SharedKey", secret);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            ExgCommandLine.Run(["mesh", "handshake", "--help"], output, error);

            Assert.Contains("--shared-key", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, output.ToString() + error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Gateway__Mesh__SharedKey", null);
        }
    }
}
