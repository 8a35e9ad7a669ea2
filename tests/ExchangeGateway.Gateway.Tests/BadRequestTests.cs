using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ExchangeGateway.Http;
using Serilog.Events;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>
/// Requests Kestrel rejects while the API reads them, sent over a raw TLS socket: answered with their status and one
/// warning line, never an error with a stack trace that any client could repeat to flood the log.
/// </summary>
public sealed class BadRequestTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // The shortest grace Kestrel allows (over its 1 s heartbeat), so the stalled body is refused within seconds.
    private protected override Task<GatewayUnderTest> StartGatewayAsync() =>
        GatewayUnderTest.StartAsync(Agencies.Url!, args => args.AddRange(["--Gateway:RequestBodyGracePeriod", "00:00:02"]));

    [Fact]
    public async Task A_body_over_the_server_limit_gets_413_and_one_warning_line()
    {
        var head = "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n";

        var response = await ExchangeAsync(head, Encoding.ASCII.GetBytes("{\"submissionId\":\""));

        await AssertRefusedWithOneWarning(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_stalled_body_gets_408_and_one_warning_line()
    {
        var head = "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";

        var response = await ExchangeAsync(head, Encoding.ASCII.GetBytes("{\"submissionId\":"));

        await AssertRefusedWithOneWarning(response, HttpStatusCode.RequestTimeout);
    }

    [Fact]
    public async Task Bad_chunked_encoding_gets_400_and_one_warning_line()
    {
        var head = "POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

        var response = await ExchangeAsync(head, Encoding.ASCII.GetBytes("zz\r\n{}\r\n0\r\n\r\n"));

        await AssertRefusedWithOneWarning(response, HttpStatusCode.BadRequest);
    }

    private async Task AssertRefusedWithOneWarning(string response, HttpStatusCode expected)
    {
        Assert.StartsWith($"HTTP/1.1 {(int)expected} ", response, StringComparison.Ordinal);
        Assert.DoesNotContain(Gateway.Logs.Events, e => e.Level >= LogEventLevel.Error);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
        await GatewayUnderTest.Eventually(
            () => Gateway.Logs.Events.Any(e => e.MessageTemplate.Text.StartsWith("Refused a bad request", StringComparison.Ordinal)), Patience, "the warning line");

        var events = Gateway.Logs.Events;
        var warning = Assert.Single(events, e => e.MessageTemplate.Text.StartsWith("Refused a bad request", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Warning, warning.Level);
        Assert.Contains(((int)expected).ToString(), warning.RenderMessage(), StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Error);
        Assert.DoesNotContain(events, e => e.Exception is not null);
        Assert.DoesNotContain("   at ", Gateway.Logs.Text, StringComparison.Ordinal);
    }

    /// <summary>Sends the bytes as HLI over TLS, checking the gateway's certificate as a client does, and reads until the gateway closes.</summary>
    private async Task<string> ExchangeAsync(string head, byte[] body)
    {
        var identity = TlsIdentity.Load(GatewayUnderTest.Certs, "HLI", TimeProvider.System);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Gateway.Address.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = Gateway.Address.Host,
            ClientCertificates = [identity.Certificate],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => identity.AcceptServer(certificate, errors),
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
        await tls.WriteAsync(body);
        await tls.FlushAsync();

        using var timeout = new CancellationTokenSource(Patience);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await tls.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // The gateway may reset the connection after answering a body it will not read; what arrived is the answer.
        }

        return received.ToString();
    }
}
