using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.Extensions.Options;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Whether the gateway can take work now (<c>/readyz</c>): the database takes writes, the signing key and trust store
/// are loaded, the gateway's TLS certificate is in date and the data folder has room. Separate from <c>/healthz</c>,
/// which only says the process answers.
/// </summary>
public sealed class GatewayReadiness(
    IGatewayStore store,
    IServiceProvider services,
    TrustStore trust,
    TlsIdentity tls,
    IOptions<GatewayOptions> options,
    TimeProvider time)
{
    /// <summary>The least free space on the data folder's drive for the gateway to call itself ready.</summary>
    public const long MinimumFreeBytes = 100L * 1024 * 1024;

    /// <summary>The problem document's title when a check fails.</summary>
    public const string NotReadyTitle = "Not ready";

    /// <summary>The names of the checks that fail now; empty when ready. Names only: no paths, hosts or secrets.</summary>
    public IReadOnlyList<string> FailedChecks()
    {
        var failed = new List<string>();
        try
        {
            store.ProveWritable();
        }
        catch (Exception ex) when (StorageHealth.IsFault(ex))
        {
            failed.Add("database");
        }

        // The key pair is loaded at start; a sealer that is not registered means this host cannot seal packages.
        if (services.GetService<PackageSealer>() is null)
        {
            failed.Add("signing-key");
        }

        if (trust.Anchors.Count == 0)
        {
            failed.Add("trust-store");
        }

        if (tls.Certificate.NotAfter.ToUniversalTime() <= time.GetUtcNow().UtcDateTime)
        {
            failed.Add("tls-certificate");
        }

        if (!HasFreeSpace(options.Value.Data))
        {
            failed.Add("disk-space");
        }

        return failed;
    }

    /// <summary>Maps <c>/readyz</c>: 200 <c>ready</c>, or 503 problem+json naming the failed checks.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/readyz", (GatewayReadiness readiness) =>
            {
                var failed = readiness.FailedChecks();
                if (failed.Count == 0)
                {
                    return Results.Text("ready\n", "text/plain");
                }

                var problem = new JsonObject
                {
                    ["type"] = "about:blank",
                    ["title"] = NotReadyTitle,
                    ["status"] = 503,
                    ["detail"] = "Failed checks: " + string.Join(", ", failed),
                    ["failedChecks"] = new JsonArray([.. failed.Select(f => JsonValue.Create(f))]),
                };
                return Results.Text(problem.ToJsonString(), "application/problem+json", statusCode: 503);
            })
            .WithName("Readiness")
            .WithSummary("Whether the gateway can take work: database writable, signing key and trust store loaded, disk space")
            .Produces<string>(200, "text/plain")
            .ProducesProblem(503);
    }

    private static bool HasFreeSpace(string dataFolder)
    {
        try
        {
            // The drive the folder is on, not the folder: DriveInfo wants a root (or a path on one) and reports that volume.
            return new DriveInfo(Path.GetFullPath(dataFolder)).AvailableFreeSpace >= MinimumFreeBytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
