using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Gateway;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The real gateway, in this process, on 127.0.0.1 over mutual TLS, with a temporary data folder and SQLite file.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly string folder;
    private bool stopped;

    private GatewayUnderTest(WebApplication app, string folder, Uri address, LogCapture logs)
    {
        this.app = app;
        this.folder = folder;
        Address = address;
        Logs = logs;
    }

    /// <summary>Every log event of this gateway; checked for people's data when it stops.</summary>
    public LogCapture Logs { get; }

    /// <summary>The repository's development certs folder.</summary>
    public static string Certs { get; } = Path.Combine(RepositoryRoot(), "certs-dev");

    /// <summary>The gateway's https base address.</summary>
    public Uri Address { get; }

    /// <summary>The data folder.</summary>
    public string Data => Path.Combine(folder, "data");

    /// <summary>The outbox the running gateway uses.</summary>
    public OutboxView Outbox => new(app.Services.GetRequiredService<IGatewayStore>());

    /// <summary>The temporary folder (data and agency directory): give it to <see cref="StartAsync"/> to start again on the same data.</summary>
    public string Folder => folder;

    /// <summary>One of the running gateway's services.</summary>
    public T Service<T>() where T : notnull => app.Services.GetRequiredService<T>();

    /// <summary>
    /// Starts a gateway whose push agencies are at <paramref name="pushBase"/>/agencies/ID, except those <paramref name="endpoints"/>
    /// gives an endpoint of their own (an agency inbox); <paramref name="directory"/> may change the directory's entries.
    /// </summary>
    public static async Task<GatewayUnderTest> StartAsync(
        string pushBase, Action<List<string>>? settings = null, Action<IServiceCollection>? services = null, string? folder = null,
        IReadOnlyDictionary<string, string>? endpoints = null, Action<JsonArray>? directory = null)
    {
        folder ??= Directory.CreateTempSubdirectory("exg-gateway-test-").FullName;
        var agencies = new JsonArray();
        foreach (var (id, type) in DemoAgencies)
        {
            var entry = new JsonObject { ["id"] = id, ["type"] = type, ["name"] = $"{id} (test)" };
            if (type is AgencyTypes.Prison or AgencyTypes.Cjit)
            {
                entry["endpoint"] = endpoints?.GetValueOrDefault(id) ?? $"{pushBase.TrimEnd('/')}/agencies/{id}";
            }

            agencies.Add(entry);
        }

        directory?.Invoke(agencies);
        var directoryFile = Path.Combine(folder, "agencies.json");
        await File.WriteAllTextAsync(directoryFile, new JsonObject { ["agencies"] = agencies }.ToJsonString());
        var args = new List<string>
        {
            "--urls", "https://127.0.0.1:0",
            "--data", Path.Combine(folder, "data"),
            "--agencies", directoryFile,
            "--certs", Certs,
            "--Gateway:RetryMin", "00:00:00.200",
            "--Gateway:RetryMax", "00:00:01",
            "--Gateway:PollInterval", "00:00:00.100",
            "--Gateway:PushTimeout", "00:00:02",
            "--log-level", "Debug",
        };
        settings?.Invoke(args);
        var logs = new LogCapture();
        var app = GatewayHost.Build([.. args], services, logging => logging.WriteTo.Sink(logs));
        await app.StartAsync();
        var address = new Uri(app.Urls.First(u => u.StartsWith("https://", StringComparison.Ordinal)) + "/");
        return new GatewayUnderTest(app, folder, address, logs);
    }

    /// <summary>The agencies of the development PKI, with their types.</summary>
    public static IReadOnlyList<(string Id, string Type)> DemoAgencies { get; } =
    [
        ("HLI", AgencyTypes.Prison), ("BMI", AgencyTypes.Prison), ("SFI", AgencyTypes.Prison), ("NHI", AgencyTypes.Prison), ("LPI", AgencyTypes.Prison),
        ("CJIT-LEEDS", AgencyTypes.Cjit), ("CJIT-NOTTS", AgencyTypes.Cjit), ("CTP-FWDLEEDS", AgencyTypes.CommunityTreatment),
        ("B86030", AgencyTypes.Gp), ("B82005", AgencyTypes.Gp), ("OPS", AgencyTypes.Operator),
    ];

    /// <summary>A client speaking as an agency.</summary>
    public GatewayClient Client(string agency) => new(Address, TlsIdentity.Load(Certs, agency, TimeProvider.System));

    /// <summary>Opens a package as its addressee and returns the FHIR document text.</summary>
    public static string Open(byte[] package, string agency)
    {
        var opener = new PackageOpener(RecipientIdentity.Load(Certs, agency), TrustStore.Load(Certs), TimeProvider.System);
        return System.Text.Encoding.UTF8.GetString(opener.Open(package).Content);
    }

    /// <summary>Waits until the condition holds, failing after the timeout.</summary>
    public static async Task Eventually(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Tracking status per recipient.</summary>
    public async Task<Dictionary<string, JsonNode>> Track(string sender, string submissionId)
    {
        using var client = Client(sender);
        var response = await client.TrackAsync(submissionId);
        Assert.True(response.IsSuccess, response.Text);
        return JsonNode.Parse(response.Text)!["recipients"]!.AsArray().ToDictionary(r => r!["recipient"]!.GetValue<string>(), r => r!);
    }

    /// <summary>Stops the gateway and closes its database, keeping the folder for a restart on the same data.</summary>
    public async Task StopKeepingDataAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        var store = Outbox.Store;
        await app.StopAsync();
        await app.DisposeAsync();

        // The host does not own the store (it is registered as an instance), so close it as a stopped process would.
        store.Dispose();
        LogCapture.AssertNoPersonalData(Logs.Text, "the gateway");
    }

    public async ValueTask DisposeAsync()
    {
        await StopKeepingDataAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing on a slow disk: the OS temp cleaner will have it.
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExchangeGateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ExchangeGateway.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>Parses JSON text.</summary>
    public static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new JsonException("empty");
}
