using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace ExchangeGateway.MeshSandbox;

/// <summary>
/// MESH played faithfully for tests, in memory, on 127.0.0.1 over mutual TLS: the NHSMESH authorization (its HMAC, time
/// and nonce checked), handshake, send in chunks, inbox, download by chunk, acknowledgement, tracking, endpoint lookup,
/// the 5-day expiry on its own clock with a REPORT to the sender, and MESH's errors. README.md lists what it covers.
/// </summary>
public sealed partial class MeshSandboxHost : IAsyncDisposable
{
    /// <summary>How long a message waits for its recipient before MESH gives up on it.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromDays(5);

    private readonly WebApplication app;
    private readonly SandboxOptions options;
    private readonly Dictionary<string, SandboxMailbox> mailboxes;
    private readonly ConcurrentDictionary<string, SandboxMessage> messages = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> nonces = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private long sequence;

    private MeshSandboxHost(WebApplication app, SandboxOptions options)
    {
        this.app = app;
        this.options = options;
        mailboxes = options.Mailboxes.ToDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The sandbox's base address.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>When true, acknowledgements fail with 500 (as a MESH outage between download and acknowledgement would).</summary>
    public bool FailAcknowledgements { get; set; }

    /// <summary>When true, an expiry sends no REPORT, so the sender learns of it only by tracking.</summary>
    public bool SuppressReports { get; set; }

    /// <summary>How many handshakes each mailbox made.</summary>
    public ConcurrentDictionary<string, int> Handshakes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every request the sandbox refused, as "status code: description", for tests to see why.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>Starts a sandbox on a free loopback port.</summary>
    public static async Task<MeshSandboxHost> StartAsync(SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = options.ServerCertificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, options.ClientAuthority);
        })));
        var app = builder.Build();
        var host = new MeshSandboxHost(app, options);
        host.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        host.Url = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return host;
    }

    /// <summary>A message by MESH id, or null.</summary>
    public SandboxMessage? Message(string id) => messages.GetValueOrDefault(id);

    /// <summary>The complete, unacknowledged messages waiting for a mailbox.</summary>
    public IReadOnlyList<SandboxMessage> Inbox(string mailbox)
    {
        ExpireOverdue();
        return [.. messages.Values.Where(m => m.To.Equals(mailbox, StringComparison.OrdinalIgnoreCase) && m.Complete && m.Status == "accepted").OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>Messages not acknowledged within 5 days of their acceptance become undeliverable, and their senders get a REPORT (code 14).</summary>
    public void ExpireOverdue()
    {
        var now = options.Time.GetUtcNow();
        lock (gate)
        {
            foreach (var message in messages.Values.Where(m => m.Type == "DATA" && m.Status == "accepted" && now - m.AcceptedAt > Expiry).ToList())
            {
                message.Status = "undeliverable";
                message.StatusCode = "14";
                if (SuppressReports)
                {
                    continue;
                }

                var report = new SandboxMessage
                {
                    Id = NewId(), Type = "REPORT", From = message.To, To = message.From, WorkflowId = message.WorkflowId, AcceptedAt = now, Chunks = [[]],
                    Headers = new(StringComparer.OrdinalIgnoreCase)
                    {
                        ["mex-StatusCode"] = "14", ["mex-StatusDescription"] = "Message not collected by recipient after 5 days", ["mex-StatusSuccess"] = "ERROR",
                        ["mex-StatusEvent"] = "TRANSFER", ["mex-LinkedMsgID"] = message.Id, ["mex-LocalID"] = message.Headers.GetValueOrDefault("mex-LocalID") ?? "",
                    },
                };
                messages[report.Id] = report;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private string NewId() =>
        $"{options.Time.GetUtcNow():yyyyMMddHHmmssfff}{Interlocked.Increment(ref sequence):D6}_{Convert.ToHexString(RandomNumberGenerator.GetBytes(3))}";

    // The NHSMESH header: mailbox:nonce:nonce_count:yyyyMMddHHmm:hmac, the hmac over mailbox:nonce:nonce_count:password:timestamp.
    private string? AuthenticationProblem(HttpRequest request, string mailbox)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("NHSMESH ", StringComparison.Ordinal))
        {
            return "the Authorization header is not NHSMESH";
        }

        var parts = header["NHSMESH ".Length..].Split(':');
        if (parts.Length != 5)
        {
            return "the NHSMESH token does not have five parts";
        }

        var (who, nonce, count, timestamp, hmac) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (!who.Equals(mailbox, StringComparison.OrdinalIgnoreCase) || !mailboxes.TryGetValue(who, out var box))
        {
            return $"the token's mailbox {who} is not {mailbox}, or is not registered";
        }

        if (!DateTimeOffset.TryParseExact(timestamp, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || (TimeProvider.System.GetUtcNow() - at).Duration() > TimeSpan.FromHours(2))
        {
            // Checked against the wall clock: the sandbox's own clock is the one tests move to reach the 5-day expiry.
            return "the token's timestamp is missing or more than 2 hours from MESH's clock";
        }

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.SharedKey), Encoding.UTF8.GetBytes($"{who}:{nonce}:{count}:{box.Password}:{timestamp}")));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(hmac.ToLowerInvariant())))
        {
            return "the token's HMAC is wrong (password or shared key)";
        }

        return nonces.TryAdd($"{who}:{nonce}:{count}", 0) ? null : "the token's nonce and count were used before";
    }
}
