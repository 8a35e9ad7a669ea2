using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using ExchangeGateway.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExchangeGateway.Gateway.Tests;

/// <summary><c>/metrics</c>: the series a scrape holds after real traffic, that no label carries a person or an id, and who may scrape.</summary>
public sealed class MetricsTests : GatewayWithAgencies
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static byte[] Release(Action<JsonObject>? change = null) => Examples.Variant(Examples.ReleaseOst, j =>
    {
        j["submissionId"] = Guid.NewGuid().ToString();
        change?.Invoke(j);
    });

    // The server is checked against the dev CA; a client certificate only for the agency named.
    private HttpClient Scraper(string? agency)
    {
        if (agency is not null)
        {
            return new HttpClient(TlsIdentity.Load(GatewayUnderTest.Certs, agency, TimeProvider.System).Handler(TimeSpan.FromSeconds(10))) { BaseAddress = Gateway.Address };
        }

        var trust = TlsIdentity.Load(GatewayUnderTest.Certs, "HLI", TimeProvider.System);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => trust.AcceptServer(certificate, errors),
            },
        };
        return new HttpClient(handler) { BaseAddress = Gateway.Address };
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Text)> Get(string? agency)
    {
        using var http = Scraper(agency);
        using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task<PrometheusScrape> Scrape()
    {
        var (status, _, text) = await Get("OPS");
        Assert.True(status == HttpStatusCode.OK, $"{status}: {text}");
        return PrometheusScrape.Parse(text);
    }

    private async Task<PrometheusScrape> ScrapeUntil(Func<PrometheusScrape, bool> holds, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var scrape = await Scrape();
            if (holds(scrape))
            {
                return scrape;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for a scrape with {what}");
            await Task.Delay(100);
        }
    }

    // One release accepted (CJIT push, provider and GP mailboxes), the GP's copy fetched and acknowledged, the same body
    // again, and two refusals: not valid, and sent as another agency.
    private async Task<(string SubmissionId, IReadOnlyList<string> MessageIds)> Traffic()
    {
        var release = Release();
        using var hli = Gateway.Client("HLI");
        var accepted = await hli.SubmitAsync(release);
        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.Text);
        Assert.Equal(HttpStatusCode.Accepted, (await hli.SubmitAsync(release)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await hli.SubmitAsync(Encoding.UTF8.GetBytes("{}"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await hli.SubmitAsync(Release(j => j["event"]!["from"] = "BMI"))).Status);

        var answer = GatewayUnderTest.Json(accepted.Text);
        var messages = answer["messages"]!.AsArray().ToDictionary(m => m!["recipient"]!.GetValue<string>(), m => m!["messageId"]!.GetValue<string>());
        using var gp = Gateway.Client("B86030");
        Assert.True((await gp.FetchAsync(messages["B86030"])).IsSuccess);
        Assert.True((await gp.AcknowledgeAsync(messages["B86030"])).IsSuccess);
        return (answer["submissionId"]!.GetValue<string>(), [.. messages.Values]);
    }

    [Fact]
    public async Task After_accepted_and_refused_submissions_and_deliveries_a_scrape_holds_every_series()
    {
        await Traffic();
        var scrape = await ScrapeUntil(s => s.Find("exg_deliveries_total", ("outcome", "delivered"), ("agency", "CJIT-LEEDS")).Any(), "the CJIT push delivered");

        Assert.Equal(1, scrape.Value("exg_submissions_total", ("outcome", "accepted"), ("agency", "HLI")));
        Assert.Equal(1, scrape.Value("exg_submissions_total", ("outcome", "repeated"), ("agency", "HLI")));
        Assert.Equal(1, scrape.Value("exg_submissions_total", ("outcome", "refused"), ("reason", SubmissionRefusals.Invalid), ("agency", "HLI")));
        Assert.Equal(1, scrape.Value("exg_submissions_total", ("outcome", "refused"), ("reason", SubmissionRefusals.Sender), ("agency", "HLI")));

        foreach (var type in new[] { AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp })
        {
            Assert.Equal(1, scrape.Value("exg_packages_sealed_total", ("recipient_type", type), ("event_type", EventTypes.Release)));
        }

        Assert.Equal(1, scrape.Value("exg_deliveries_total", ("outcome", "delivered"), ("channel", "push"), ("agency", "CJIT-LEEDS")));
        Assert.Equal(1, scrape.Value("exg_deliveries_total", ("outcome", "acknowledged"), ("channel", "mailbox"), ("agency", "B86030")));

        // The provider has not fetched its copy; the GP acknowledged its own, and a mailbox agency with nothing waiting has
        // no series (thousands of GP practices); a push agency with nothing queued still shows 0.
        Assert.Equal(1, scrape.Value("exg_queue_depth", ("agency", "CTP-FWDLEEDS")));
        Assert.Empty(scrape.Find("exg_queue_depth", ("agency", "B86030")));
        Assert.Equal(0, scrape.Value("exg_queue_depth", ("agency", "CJIT-LEEDS")));
        Assert.Empty(scrape.Find("exg_queue_depth", ("agency", "OPS")));
        var age = scrape.Value("exg_queue_oldest_age_seconds", ("agency", "CTP-FWDLEEDS"));
        Assert.InRange(age, 0, Patience.TotalSeconds + 10);
        Assert.Equal(0, scrape.Value("exg_queue_oldest_age_seconds", ("agency", "CJIT-LEEDS")));

        // Every answer is timed, in buckets from 5 ms to 5 s.
        Assert.Equal(1, scrape.Value("exg_accept_duration_seconds_count", ("outcome", "accepted")));
        Assert.Equal(2, scrape.Value("exg_accept_duration_seconds_count", ("outcome", "refused")));
        var bounds = scrape.Find("exg_accept_duration_seconds_bucket", ("outcome", "accepted")).Select(s => s.Labels["le"]).ToList();
        Assert.Equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"], bounds);
        Assert.Equal(1, scrape.Value("exg_accept_duration_seconds_bucket", ("outcome", "accepted"), ("le", "+Inf")));
    }

    [Fact]
    public async Task No_label_value_in_a_scrape_holds_anything_of_the_person_or_a_message_or_submission_id()
    {
        var (submissionId, messageIds) = await Traffic();
        var scrape = await ScrapeUntil(s => s.Find("exg_deliveries_total", ("outcome", "delivered")).Any(), "a delivery");

        string[] forbidden = [.. Examples.PersonalValues, submissionId, .. messageIds];
        var values = scrape.Samples.SelectMany(s => s.Labels.Values).Distinct(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(values);
        foreach (var value in values)
        {
            var found = forbidden.Where(f => value.Contains(f, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(found.Count == 0, $"label value '{value}' holds '{string.Join("', '", found)}'");
        }
    }

    [Fact]
    public async Task An_agency_certificate_is_refused_403_problem_json_even_over_loopback()
    {
        var (status, mediaType, text) = await Get("HLI");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(403, GatewayUnderTest.Json(text)["status"]!.GetValue<int>());
        Assert.DoesNotContain("exg_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operator_certificate_gets_the_scrape()
    {
        var (status, mediaType, text) = await Get("OPS");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain", mediaType);
        Assert.NotEmpty(PrometheusScrape.Parse(text).Find("exg_queue_depth", ("agency", "HLI")));
    }

    [Fact]
    public async Task A_caller_on_loopback_without_a_certificate_gets_the_scrape()
    {
        var (status, _, text) = await Get(null);
        Assert.True(status == HttpStatusCode.OK, $"{status}: {text}");
    }

    [Fact]
    public async Task A_scrape_still_answers_while_storage_is_failing_leaving_out_only_the_queue_gauges()
    {
        using (var hli = Gateway.Client("HLI"))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await hli.SubmitAsync(Release())).Status);
        }

        // Once the push is recorded, as its success would end the pause below.
        await ScrapeUntil(s => s.Find("exg_deliveries_total", ("outcome", "delivered")).Any(), "the CJIT push delivered");

        // As after a failed write: the workers pause, and the scrape does not read the queue meanwhile.
        Gateway.Service<StorageHealth>().Failed(new StorageUnavailableException("simulated by the test"), "a test");
        var scrape = await Scrape();
        Assert.Empty(scrape.Find("exg_queue_depth"));
        Assert.Empty(scrape.Find("exg_queue_oldest_age_seconds"));
        Assert.Equal(1, scrape.Value("exg_submissions_total", ("outcome", "accepted"), ("agency", "HLI")));
    }

    [Fact]
    public async Task A_queue_read_that_fails_leaves_the_gauges_out_instead_of_failing_the_collection()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var directory = new AgencyDirectory([new Agency("HLI", AgencyTypes.Prison, "HMP Leeds")]);
        var storage = new StorageHealth(TimeProvider.System, NullLogger<StorageHealth>.Instance);
        using var store = new FailingStore();
        _ = new GatewayMetrics(meters, store, directory, storage, TimeProvider.System, NullLogger<GatewayMetrics>.Instance);

        var measured = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this factory's meter: other tests' gateways run in the same process.
            if (instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => measured.Add(instrument.Name));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => measured.Add(instrument.Name));
        listener.Start();

        listener.RecordObservableInstruments();
        Assert.Empty(measured);
        Assert.True(store.Reads > 0, "the gauges did not try to read the queue");
    }

    [Fact]
    public async Task A_scrape_counts_only_its_own_gateway_not_another_in_the_same_process()
    {
        await using var other = await GatewayUnderTest.StartAsync(Agencies.Url!);
        using (var hli = other.Client("HLI"))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await hli.SubmitAsync(Release())).Status);
        }

        var scrape = await Scrape();
        Assert.Empty(scrape.Find("exg_submissions_total", ("outcome", "accepted")));
        Assert.Empty(scrape.Find("exg_queue_depth", ("agency", "CTP-FWDLEEDS")));
        Assert.Equal(0, scrape.Value("exg_queue_depth", ("agency", "CJIT-LEEDS")));
    }

    /// <summary>A database that cannot be read.</summary>
    private sealed class FailingStore : IGatewayStore
    {
        public int Reads { get; private set; }

        public string Description => "a store that fails every read (test)";

        public T InTransaction<T>(Func<IStoreTransaction, T> work) => Snapshot(work);

        public Task<T> InTransactionAsync<T>(Func<IStoreTransaction, T> work) => Task.FromResult(Snapshot(work));

        public T Snapshot<T>(Func<IStoreTransaction, T> work)
        {
            Reads++;
            throw new StorageUnavailableException("unreachable (test)");
        }

        public void ProveWritable() => throw new StorageUnavailableException("unreachable (test)");

        public void Simulate(SimulatedStorageFault fault)
        {
        }

        public void Dispose()
        {
        }
    }
}
