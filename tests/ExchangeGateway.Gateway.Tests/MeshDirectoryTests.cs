using System.Text.Json.Nodes;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway.Tests;

/// <summary>Agencies reached through MESH in the directory, and the gateway's own MESH settings, checked before it starts.</summary>
public sealed class MeshDirectoryTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("exg-mesh-directory-").FullName;

    private AgencyDirectory Load(params JsonObject[] agencies)
    {
        var path = Path.Combine(folder, "agencies.json");
        File.WriteAllText(path, new JsonObject { ["agencies"] = new JsonArray([.. agencies]) }.ToJsonString());
        return AgencyDirectoryFile.Load(path, TrustStore.Load(GatewayUnderTest.Certs), DateTimeOffset.UtcNow);
    }

    private static JsonObject Agency(string id, string type, JsonNode? mesh = null, string? endpoint = null)
    {
        var entry = new JsonObject { ["id"] = id, ["type"] = type, ["name"] = id };
        if (mesh is not null)
        {
            entry["mesh"] = mesh;
        }

        if (endpoint is not null)
        {
            entry["endpoint"] = endpoint;
        }

        return entry;
    }

    private static JsonObject Mesh(string mailbox, string workflow) => new() { ["mailbox"] = mailbox, ["workflowId"] = workflow };

    [Fact]
    public void A_GP_and_a_CJIT_may_be_reached_through_MESH_with_a_mailbox_and_workflow()
    {
        var directory = Load(Agency("B86030", AgencyTypes.Gp, Mesh("XB86030", "EXG_RECORD")), Agency("CJIT-LEEDS", AgencyTypes.Cjit, Mesh("XLEEDS01", "EXG-RECORD")));

        Assert.Equal(new MeshAddress("XB86030", "EXG_RECORD"), directory.Find("B86030")!.Mesh);
        Assert.Null(directory.Find("CJIT-LEEDS")!.Endpoint);
    }

    [Fact]
    public void Each_wrong_MESH_entry_is_named_with_its_agency_all_at_once()
    {
        var refused = Assert.Throws<GatewayConfigurationException>(() => Load(
            Agency("B86030", AgencyTypes.Gp, Mesh("X-B86030", "EXG_RECORD")),
            Agency("B82005", AgencyTypes.Gp, Mesh("XB82005", "")),
            Agency("CJIT-LEEDS", AgencyTypes.Cjit, Mesh("XLEEDS01", "EXG_RECORD"), "https://cjit.example/in"),
            Agency("CJIT-NOTTS", AgencyTypes.Cjit, JsonValue.Create("XNOTTS01")),
            Agency("OPS", AgencyTypes.Operator, Mesh("XOPS", "EXG_RECORD")),
            Agency("HLI", AgencyTypes.Prison)));

        Assert.Contains("agency B86030: mesh.mailbox 'X-B86030' must be a MESH mailbox id (1 to 20 letters and digits)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("agency B82005: mesh.workflowId '' must be a MESH workflow id", refused.Message, StringComparison.Ordinal);
        Assert.Contains("agency CJIT-LEEDS: give an endpoint or a MESH mailbox, not both", refused.Message, StringComparison.Ordinal);
        Assert.Contains("agency CJIT-NOTTS: mesh must be an object", refused.Message, StringComparison.Ordinal);
        Assert.Contains("agency OPS: an operator receives no records; remove the endpoint or mesh mailbox", refused.Message, StringComparison.Ordinal);
        Assert.Contains("agency HLI: a prison receives by push or MESH and needs an endpoint or a mesh mailbox", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_agencies_on_one_MESH_mailbox_are_refused_since_their_answers_could_not_be_told_apart()
    {
        var refused = Assert.Throws<GatewayConfigurationException>(() => Load(
            Agency("B86030", AgencyTypes.Gp, Mesh("XSHARED1", "EXG_RECORD")), Agency("B82005", AgencyTypes.Gp, Mesh("xshared1", "EXG_RECORD"))));

        Assert.Contains("MESH mailbox XSHARED1 is given to agencies B86030, B82005; each agency needs its own", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_with_agencies_on_MESH_will_not_start_without_its_own_mailbox_and_names_what_is_missing_never_a_secret()
    {
        var noMesh = await Assert.ThrowsAsync<GatewayConfigurationException>(() => Start());
        Assert.Contains("agencies B86030 receive through MESH, but Gateway:Mesh:Url is not set", noMesh.Message, StringComparison.Ordinal);

        var half = await Assert.ThrowsAsync<GatewayConfigurationException>(() => Start("--Gateway:Mesh:Url", "https://127.0.0.1:1", "--Gateway:Mesh:SharedKey", "a-secret-key-value"));
        Assert.Contains("Gateway:Mesh:Mailbox is required when Gateway:Mesh:Url is set", half.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Mesh:Password is required when Gateway:Mesh:Url is set", half.Message, StringComparison.Ordinal);
        Assert.Contains("Gateway:Mesh:ClientCertificate is required when Gateway:Mesh:Url is set", half.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret-key-value", half.Message, StringComparison.Ordinal);
    }

    private Task<GatewayUnderTest> Start(params string[] settings) => GatewayUnderTest.StartAsync(
        "http://127.0.0.1:1", settings: args => args.AddRange(settings), folder: folder,
        directory: agencies => agencies.Single(a => a!["id"]!.GetValue<string>() == "B86030")!["mesh"] = Mesh("XB86030", "EXG_RECORD"));

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
