using System.Net;
using System.Text.Json.Nodes;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.AspNetCore.Routing;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>The OpenAPI document, <c>/readyz</c> and <c>/healthz</c>, all answered without a client certificate.</summary>
public sealed class OpenApiAndReadinessTests : GatewayWithAgencies
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "patch", "head", "options"];

    // No client certificate (these endpoints need none), but the server is still checked against the dev CA.
    private HttpClient Anonymous()
    {
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

    private async Task<JsonObject> OpenApiDocument()
    {
        using var http = Anonymous();
        var response = await http.GetAsync(new Uri("openapi/v1.json", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return GatewayUnderTest.Json(text).AsObject();
    }

    [Fact]
    public async Task The_OpenAPI_document_is_3_x_and_lists_every_api_route_the_app_maps()
    {
        var document = await OpenApiDocument();
        Assert.StartsWith("3.", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);

        // From the app's own endpoints, so a route added later without documentation fails here. Only the pages (the
        // operator console) and the Prometheus scrape are left out of the document on purpose.
        var mapped = Gateway.Service<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m.ToUpperInvariant()} {e.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(o => HttpMethods.Contains(o.Key)).Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(9, mapped.Count(route => route.Contains(" /api/v1/", StringComparison.Ordinal)));
        Assert.Contains("GET /healthz", mapped);
        Assert.Contains("GET /readyz", mapped);
        Assert.Contains("GET /api/v1/messages/{messageId}/receipt", mapped);
        Assert.Equal(mapped, documented);
    }

    [Fact]
    public async Task Every_api_operation_documents_a_problem_json_answer_and_a_summary()
    {
        var document = await OpenApiDocument();
        var operations = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(o => HttpMethods.Contains(o.Key)).Select(o => (Name: $"{o.Key} {p.Key}", Operation: o.Value!)))
            .ToList();
        Assert.NotEmpty(operations);
        foreach (var (name, operation) in operations)
        {
            Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{name} has no summary");
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.Any(r => r.Value?["content"]?["application/problem+json"] is not null), $"{name} documents no problem+json answer");
            Assert.True(responses.ContainsKey("403"), $"{name} does not document 403");
        }

        var submit = document["paths"]!["/api/v1/submissions"]!["post"]!;
        Assert.NotNull(submit["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(submit["responses"]!["202"]!["content"]!["application/json"]);
        Assert.NotNull(submit["responses"]!["409"]!["content"]!["application/problem+json"]);
    }

    [Fact]
    public async Task Readyz_answers_503_naming_the_database_while_it_is_read_only_and_200_again_after()
    {
        using var http = Anonymous();
        var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());

        Gateway.Outbox.Simulate(SimulatedStorageFault.ReadOnly);
        try
        {
            var notReady = await http.GetAsync(new Uri("readyz", UriKind.Relative));
            var text = await notReady.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            Assert.Equal("application/problem+json", notReady.Content.Headers.ContentType?.MediaType);
            var problem = GatewayUnderTest.Json(text);
            Assert.Equal(503, problem["status"]!.GetValue<int>());
            Assert.Equal(["database"], problem["failedChecks"]!.AsArray().Select(c => c!.GetValue<string>()));
        }
        finally
        {
            Gateway.Outbox.Simulate(SimulatedStorageFault.None);
        }

        var again = await http.GetAsync(new Uri("readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Healthz_still_answers_ok_without_a_client_certificate()
    {
        using var http = Anonymous();
        var response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }
}
