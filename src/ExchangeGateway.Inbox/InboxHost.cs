using ExchangeGateway.Crypto;
using ExchangeGateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExchangeGateway.Inbox;

/// <summary>Builds the agency inbox: a loopback web app that opens the agency's messages with its key and answers them through the gateway's API.</summary>
public static class InboxHost
{
    /// <summary>The Content-Security-Policy of every response: nothing but this app's own CSS, no script, no framing.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// Builds the app. Throws <see cref="ArgumentException"/> for a --listen that is not loopback http, and the loaders'
    /// exceptions when the agency's certificate or keys cannot be read. <paramref name="configureServices"/> lets tests replace services (the clock).
    /// </summary>
    public static WebApplication Build(InboxSettings settings, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (InboxSettings.ListenProblem(settings.Listen.ToString(), out _) is { } problem)
        {
            throw new ArgumentException(problem, nameof(settings));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Listen.ToString());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = PackageOpener.MaxPackageBytes);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureServices?.Invoke(builder.Services);
        builder.Services.TryAddSingleton(TimeProvider.System);

        var time = TimeProvider.System;
        var trust = TrustStore.Load(settings.Certs);
        var identity = RecipientIdentity.Load(settings.Certs, settings.Agency);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new InboxStore(settings.Store));
        builder.Services.AddSingleton(new GatewayClient(settings.Gateway, TlsIdentity.Load(settings.Certs, settings.Agency, time), TimeSpan.FromSeconds(30)));

        // Two openers: one is used by one thread at a time, and the mailbox and the push endpoint work side by side.
        builder.Services.AddSingleton(sp => new PushReceiver(new PackageOpener(identity, trust, sp.GetRequiredService<TimeProvider>())));
        builder.Services.AddSingleton(sp => new MailboxPolling(
            settings, sp.GetRequiredService<InboxStore>(), sp.GetRequiredService<GatewayClient>(), new PackageOpener(identity, trust, sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MailboxPolling>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MailboxPolling>());

        // Form tokens need keys only while the inbox runs: a page from before a restart is simply sent again.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery();

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            // DNS rebinding: a web page whose name resolves to 127.0.0.1 would reach the inbox as its own site and read
            // it with the browser's help. Only requests addressed to a loopback name or address are answered.
            if (!IsLoopbackHost(context.Request.Host.Host))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("This inbox answers only requests addressed to 127.0.0.1, [::1] or localhost.\n");
                return;
            }

            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            context.Response.OnStarting(() =>
            {
                // Set after the handlers, which (antiforgery among them) may have set their own.
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseAntiforgery();
        InboxEndpoints.Map(app);
        return app;
    }

    /// <summary>True for the Host header's names of this machine: localhost, 127.0.0.1 and the rest of 127/8, [::1].</summary>
    public static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
}
