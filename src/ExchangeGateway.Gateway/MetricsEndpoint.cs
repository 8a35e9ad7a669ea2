using System.Diagnostics.Metrics;
using System.Net;
using ExchangeGateway.Domain;
using ExchangeGateway.Http;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ExchangeGateway.Gateway;

/// <summary>
/// The Prometheus scrape endpoint <c>/metrics</c>, written by OpenTelemetry's exporter from <see cref="GatewayMetrics"/>.
/// Only for an operator: a caller with a client certificate must be an agency of type <c>operator</c> in the directory
/// (any other certificate: 403); a caller without one must be on the same machine (loopback; from elsewhere: 401).
/// </summary>
internal static class MetricsEndpoint
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the gateway's meter with OpenTelemetry and its Prometheus exporter.</summary>
    public static void AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<GatewayMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("exchange-gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName)

                // No cached answer: each scrape reads the queue now (Prometheus scrapes every 15 s or so; the read is one grouped query).
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));

        // OpenTelemetry listens by meter name across the process; only this host's meter (from its own factory) is
        // exported, or hosts sharing a process (the tests) would scrape each other's counts and queues.
        services.ConfigureOpenTelemetryMeterProvider((provider, builder) =>
        {
            var ours = provider.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument => instrument.Meter.Name == GatewayMetrics.MeterName && !ReferenceEquals(instrument.Meter.Scope, ours)
                ? MetricStreamConfiguration.Drop
                : null);
        });
    }

    /// <summary>Maps <c>/metrics</c>, with the operator-only gate in front of the exporter.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var directory = app.Services.GetRequiredService<AgencyDirectory>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsEndpoint).FullName!);
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                if (Refusal(context, directory) is { } refusal)
                {
                    log.LogWarning("Refused a scrape of {Path}: {Status} {Reason}", Path, refusal.Status, refusal.Title);
                    await GatewayApi.Problem(refusal.Status, refusal.Title).ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                await next(context).ConfigureAwait(false);
            }), optionsName: null)

            // Operations, not the agencies' API: it stays out of the OpenAPI document.
            .ExcludeFromDescription();
    }

    /// <summary>Why this caller may not scrape (status and problem title), or null when it may.</summary>
    internal static (int Status, string Title)? Refusal(HttpContext context, AgencyDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(directory);
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            // Without a certificate only a scraper on this machine: the TCP peer, so a reverse proxy on the host would count as local.
            var remote = context.Connection.RemoteIpAddress;
            var local = remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
            return local ? null : (StatusCodes.Status401Unauthorized, "A client certificate naming an operator is required to read /metrics from another machine");
        }

        // A certificate is always checked, even over loopback: an agency's certificate never reads the gateway's metrics.
        return OperatorFilter.Operator(context, directory) is not null
            ? null
            : (StatusCodes.Status403Forbidden, $"The client certificate names {TlsIdentity.AgencyOf(certificate) ?? "no agency"}, which is not an operator of this gateway: /metrics is for operators");
    }
}
