using System.Net;
using System.Text.RegularExpressions;
using ExchangeGateway.Crypto;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Microsoft.AspNetCore.Builder;

namespace ExchangeGateway.Inbox.Tests;

/// <summary>An inbox in this process on 127.0.0.1 with a temporary store and a gateway address nothing answers at.</summary>
internal sealed partial class InboxUnderTest : IAsyncDisposable
{
    private readonly WebApplication app;

    private InboxUnderTest(WebApplication app, InboxSettings settings)
    {
        this.app = app;
        Settings = settings;
        Address = new Uri(app.Urls.First() + "/");
        Browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = Address };
    }

    /// <summary>The settings it runs with.</summary>
    public InboxSettings Settings { get; }

    /// <summary>Its http base address.</summary>
    public Uri Address { get; }

    /// <summary>A client keeping cookies, as a browser would (the antiforgery cookie).</summary>
    public HttpClient Browser { get; }

    /// <summary>Starts an inbox for <paramref name="agency"/> on <paramref name="store"/> (a new temporary folder when null).</summary>
    public static async Task<InboxUnderTest> StartAsync(string agency = "B86030", string? store = null)
    {
        var settings = new InboxSettings(
            new Uri("https://127.0.0.1:1/"), agency, InboxSettings.TypeFromCertificate(ChromiumBrowser.DevelopmentCerts, agency)!, ChromiumBrowser.DevelopmentCerts, new Uri("http://127.0.0.1:0"),
            store ?? Directory.CreateTempSubdirectory("exg-inbox-test-").FullName, TimeSpan.FromHours(1));
        var app = InboxHost.Build(settings);
        await app.StartAsync();
        return new InboxUnderTest(app, settings);
    }

    /// <summary>A release summary sealed by the gateway for <paramref name="recipient"/>, as the gateway pushes it.</summary>
    public static SealedPackage Package(string recipient, string? messageId = null, string signer = "gateway")
    {
        var submission = SubmissionReader.Read(System.Text.Encoding.UTF8.GetBytes(Examples.Text(Examples.ReleaseOst))).Submission!;
        var document = System.Text.Encoding.UTF8.GetBytes(new ReleaseSummaryMapper(ProfileSet.Embedded).MapToJson(submission));
        var certs = ChromiumBrowser.DevelopmentCerts;
        var sealer = new PackageSealer(KeyPair.Load(Path.Combine(certs, signer + ".crt"), Path.Combine(certs, signer + ".key")), TrustStore.Load(certs), TimeProvider.System);
        return sealer.Seal(document, recipient, messageId ?? Guid.NewGuid().ToString());
    }

    /// <summary>Pushes a package to POST /agencies/<paramref name="agency"/> as the gateway does; the status code.</summary>
    public async Task<HttpStatusCode> PushAsync(byte[] package, string? agency = null, string? messageId = null)
    {
        using var content = new ByteArrayContent(package);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkcs7-mime");
        using var request = new HttpRequestMessage(HttpMethod.Post, "agencies/" + (agency ?? Settings.Agency)) { Content = content };
        if (messageId is not null)
        {
            request.Headers.Add("X-Message-Id", messageId);
        }

        using var response = await Browser.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The antiforgery field value in a page's first form.</summary>
    public static string TokenIn(string html) => TokenField().Match(html).Groups[1].Value;

    /// <summary>The message's stored state.</summary>
    public string? StateOf(string messageId) => new InboxStore(Settings.Store).Find(messageId)?.State;

    /// <summary>Stops the inbox, keeping its store.</summary>
    public async ValueTask DisposeAsync()
    {
        Browser.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
