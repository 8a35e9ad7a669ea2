using System.Security.Authentication;
using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ExchangeGateway.Gateway;

/// <summary>Builds the gateway: configuration, mutual TLS, the agency directory, the outbox, workers and the API.</summary>
public static class GatewayHost
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data"] = "Gateway:Data",
        ["--database"] = "Gateway:Database",
        ["--agencies"] = "Gateway:Agencies",
        ["--certs"] = "Gateway:Certs",
        ["--terminology"] = "Gateway:Terminology",
        ["--log-format"] = "Gateway:LogFormat",
        ["--log-level"] = "Gateway:LogLevel",
    };

    /// <summary>
    /// Builds the application. <paramref name="configureServices"/> lets tests replace services (e.g. the clock), and
    /// <paramref name="configureLogging"/> add a log sink beside the console (the test that reads every log line).
    /// </summary>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null, Action<LoggerConfiguration>? configureLogging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Configuration.AddCommandLine(args, Switches);
        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));

        // Each host keeps its own logger (preserveStaticLogger): with the static one, hosts in one process (the tests) log into each other's sinks.
        builder.Services.AddSerilog(
            logger =>
            {
                var level = Enum.TryParse<LogEventLevel>(options.LogLevel, ignoreCase: true, out var parsed) ? parsed : LogEventLevel.Information;
                logger.MinimumLevel.Is(level)
                    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                    .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
                    .Enrich.FromLogContext();
                if (string.Equals(options.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
                {
                    logger.WriteTo.Console(new CompactJsonFormatter());
                }
                else
                {
                    logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}");
                }

                configureLogging?.Invoke(logger);
            },
            preserveStaticLogger: true);

        builder.Services.TryAddTimeProvider();
        configureServices?.Invoke(builder.Services);

        // Everything the gateway cannot work without is loaded now, so a bad setting stops it at start, not at first use.
        if (options.RequestBodyGracePeriod <= TimeSpan.FromSeconds(1))
        {
            // Kestrel refuses a grace period of 1 s or less, and would say so only once the server starts.
            throw new GatewayConfigurationException([$"Gateway:RequestBodyGracePeriod is {options.RequestBodyGracePeriod}; it must be more than 1 second"]);
        }

        if (options.AuditCheckpointInterval is < 1 or > AuditLog.MaxCheckpointInterval)
        {
            throw new GatewayConfigurationException([$"Gateway:AuditCheckpointInterval is {options.AuditCheckpointInterval}; it must be a whole number of entries from 1 to {AuditLog.MaxCheckpointInterval}"]);
        }

        if (options.ReceptionReplyHours is < 1 or > 72)
        {
            throw new GatewayConfigurationException([$"Gateway:ReceptionReplyHours is {options.ReceptionReplyHours}; it must be a whole number of hours from 1 to 72"]);
        }

        var time = TimeProviderOf(builder.Services);
        var trust = TrustStore.Load(options.Certs);
        var directory = AgencyDirectoryFile.Load(options.Agencies, trust, time.GetUtcNow());
        var tls = TlsIdentity.Load(options.Certs, "gateway", time);
        var signer = KeyPair.Load(Path.Combine(options.Certs, "gateway.crt"), Path.Combine(options.Certs, "gateway.key"));
        var (checkpointSigner, checkpointKeys) = LoadCheckpointKeys(options);
        var zone = ReleasePlanning.FindZone(options.TimeZone);
        var nationalCodes = DeploymentTerminology.Load(options.Terminology);
        var meshAgencies = directory.All.Where(a => a.Mesh is not null).Select(a => a.Id).ToList();
        if (meshAgencies.Count > 0 && !options.Mesh.Enabled)
        {
            throw new GatewayConfigurationException([$"agencies {string.Join(", ", meshAgencies)} receive through MESH, but Gateway:Mesh:Url is not set"]);
        }

        var mesh = options.Mesh.Enabled ? new MeshMailbox(Options.Create(options), time) : null;
        var (store, personKeys) = DataFolder.Open(options.Data, options.Database, time, options.GroupCommitLimit);
        if (mesh is null && store.Snapshot(tx => tx.MeshQueue.NextDue()) is not null)
        {
            store.Dispose();
            throw new GatewayConfigurationException(["messages wait to be sent through MESH, but Gateway:Mesh:Url is not set (set it, or cancel them with exg outbox cancel)"]);
        }


        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddGatewayMetrics();
        builder.Services.AddSingleton(directory);
        builder.Services.AddSingleton(trust);
        builder.Services.AddSingleton(tls);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(new ReleaseSummaryMapper(ProfileSet.Embedded, nationalCodes));
        builder.Services.AddSingleton(new PackageSealer(signer, trust, time));
        builder.Services.AddSingleton<IPersonKeys>(new AuditPersonKeys(personKeys));
        builder.Services.AddSingleton(new AuditLog(checkpointSigner, options.AuditCheckpointInterval));
        builder.Services.AddSingleton(checkpointKeys);
        builder.Services.TryAddSingleton<GatewayAudit>();
        // Registered before the workers that append, so it starts before them and stops after them (the shutdown checkpoint signs their last entries).
        builder.Services.AddSingleton<AuditCheckpointing>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditCheckpointing>());
        builder.Services.AddSingleton<AuditIndexing>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditIndexing>());
        builder.Services.AddSingleton<SubmissionAcceptance>();
        builder.Services.AddSingleton<ReplyAcceptance>();
        builder.Services.AddSingleton<ResponseAcceptance>();
        builder.Services.AddSingleton(new ResponseDocumentMapper(ProfileSet.Embedded));
        builder.Services.AddSingleton(new PushHttpClient(new HttpClient(tls.Handler(TimeSpan.FromSeconds(10))) { Timeout = Timeout.InfiniteTimeSpan }));
        builder.Services.AddSingleton<LatestCheckpoint>();
        builder.Services.AddSingleton<PushDelivery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PushDelivery>());
        builder.Services.AddSingleton<MailboxExpiry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MailboxExpiry>());
        if (mesh is not null)
        {
            // Made by a factory so the container disposes it (its HTTP client) at shutdown.
            builder.Services.AddSingleton(_ => mesh);
            builder.Services.AddSingleton<MeshDelivery>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MeshDelivery>());
            builder.Services.AddSingleton<MeshInbox>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MeshInbox>());
        }
        builder.Services.AddSingleton(new ReleasePlanning(store, zone, options.ReminderTime, time));
        builder.Services.AddSingleton(new OverdueReleaseAlertMapper(ProfileSet.Embedded));
        builder.Services.AddSingleton(new UnplannedReleaseAlertMapper(ProfileSet.Embedded));
        builder.Services.AddSingleton<ReleaseReminders>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReleaseReminders>());
        builder.Services.AddSingleton(sp => new LoopWatch(sp.GetRequiredService<ReleasePlanning>(), options.ReceptionReplyHours, time));
        builder.Services.AddSingleton(new EscalationAlertMapper(ProfileSet.Embedded));
        builder.Services.AddSingleton<GatewayReadiness>();
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<AuditVerifying>();

        // The console's forms carry antiforgery tokens; their keys live in memory, so a page from before a restart (or from
        // another instance) is refused with "reload": nothing is written to disk for them.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery();
        builder.Services.AddSingleton<EscalationAlerts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EscalationAlerts>());

        Action<System.Security.Cryptography.X509Certificates.X509Certificate2, string>? clientCertificateRefused = null;
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = 2 * 1024 * 1024;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(MinRequestBodyBytesPerSecond, options.RequestBodyGracePeriod);
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = tls.Certificate;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;

                // Allow, not require: /healthz answers without a certificate; the API refuses a caller without one.
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (certificate, _, _) =>
                {
                    var refusal = tls.Refusal(certificate);
                    if (refusal is not null)
                    {
                        clientCertificateRefused?.Invoke(certificate, refusal);
                    }

                    return refusal is null;
                };
            });
        });

        var app = builder.Build();
        var audit = app.Services.GetRequiredService<GatewayAudit>();
        clientCertificateRefused = (certificate, refusal) => audit.CertificateProblem(
            TlsIdentity.AgencyOf(certificate), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.GetRawCertData())), "TLS client certificate refused: " + refusal);
        app.UseMiddleware<BadRequestAnswering>();
        StorageFaultAnswers.Use(app);
        GatewayApi.Map(app);
        OperatorConsoleEndpoints.Map(app);

        // Outside the /api/v1 group, so it answers without a client certificate like /healthz: it describes the API and holds no data.
        app.MapOpenApi();
        MetricsEndpoint.Map(app);

        // Which database this instance writes to (never its password): with several instances, the first thing to check.
        var started = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ExchangeGateway.Gateway.Storage");
        app.Lifetime.ApplicationStarted.Register(() => started.LogInformation("Storage: {Store}", store.Description));
        return app;
    }

    // Kestrel's default: a body slower than this after the grace period is a stalled client (408).
    private const double MinRequestBodyBytesPerSecond = 240;

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    // The checkpoint key is the gateway's word to the witnesses: without it (or with a verifier key that is not its own) the gateway does not start.
    private static (CheckpointSigner Signer, CheckpointKeys Keys) LoadCheckpointKeys(GatewayOptions options)
    {
        try
        {
            return (CheckpointSigner.Load(options.Certs, options.AuditOrigin), CheckpointKeys.Load(options.Certs));
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or IOException or ArgumentException)
        {
            throw new GatewayConfigurationException([$"Gateway:Certs: the audit checkpoint key cannot be used: {ex.Message}"]);
        }
    }

    private static TimeProvider TimeProviderOf(IServiceCollection services) =>
        services.LastOrDefault(s => s.ServiceType == typeof(TimeProvider))?.ImplementationInstance as TimeProvider ?? TimeProvider.System;
}
