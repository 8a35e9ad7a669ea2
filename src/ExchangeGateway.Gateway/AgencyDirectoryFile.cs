using System.Net;
using System.Reflection;
using System.Text.Json;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway;

/// <summary>Loads the agency directory file and checks every entry before the gateway starts.</summary>
public static class AgencyDirectoryFile
{
    private static readonly string[] Types = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp, AgencyTypes.Operator];

    /// <summary>
    /// Reads the directory (the embedded development one when <paramref name="path"/> is empty) and checks it: known
    /// types, a valid certificate at <c>certs/ID.crt</c>, an endpoint for every agency that is pushed to, and plain
    /// http only on loopback. Every problem is reported at once, naming the agency.
    /// </summary>
    public static AgencyDirectory Load(string? path, TrustStore trust, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trust);
        string json;
        string source;
        if (string.IsNullOrEmpty(path))
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("agencies.dev.json")
                ?? throw new InvalidOperationException("the embedded development agency directory is missing");
            using var reader = new StreamReader(stream);
            json = reader.ReadToEnd();
            source = "embedded agencies.dev.json";
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new GatewayConfigurationException([$"agency directory {path} does not exist"]);
            }

            json = File.ReadAllText(path);
            source = path;
        }

        var problems = new List<string>();
        var agencies = new List<Agency>();
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("agencies", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new GatewayConfigurationException([$"{source}: expected {{\"agencies\": [...]}}"]);
            }

            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var where = $"{source}: agencies[{index++}]";
                var id = Text(entry, "id");
                var type = Text(entry, "type");
                var name = Text(entry, "name");
                var endpoint = Text(entry, "endpoint");
                if (string.IsNullOrWhiteSpace(id))
                {
                    problems.Add($"{where}: id is missing");
                    continue;
                }

                where = $"{source}: agency {id}";
                if (type is null || !Types.Contains(type))
                {
                    problems.Add($"{where}: type '{type}' is not one of {string.Join(", ", Types)}");
                }

                if (string.IsNullOrWhiteSpace(name))
                {
                    problems.Add($"{where}: name is missing");
                }

                var (mesh, meshProblem) = Mesh(entry);
                if (meshProblem is not null)
                {
                    problems.Add($"{where}: {meshProblem}");
                }

                if (mesh is not null && !string.IsNullOrEmpty(endpoint))
                {
                    problems.Add($"{where}: give an endpoint or a MESH mailbox, not both");
                }

                if (type is AgencyTypes.Prison or AgencyTypes.Cjit && string.IsNullOrEmpty(endpoint) && mesh is null && meshProblem is null)
                {
                    problems.Add($"{where}: a {type} receives by push or MESH and needs an endpoint or a mesh mailbox");
                }

                if (type == AgencyTypes.Gp && !string.IsNullOrEmpty(endpoint))
                {
                    problems.Add($"{where}: a GP practice pulls from its mailbox or receives through MESH; remove the endpoint");
                }

                if (type == AgencyTypes.Operator && (!string.IsNullOrEmpty(endpoint) || mesh is not null))
                {
                    problems.Add($"{where}: an operator receives no records; remove the endpoint or mesh mailbox");
                }

                if (!string.IsNullOrEmpty(endpoint))
                {
                    var endpointProblem = CheckEndpoint(endpoint);
                    if (endpointProblem is not null)
                    {
                        problems.Add($"{where}: endpoint {endpointProblem}");
                    }
                }

                // An operator is never sealed to: its browser certificate is checked at the TLS handshake, like any client's.
                var certificateProblem = type == AgencyTypes.Operator ? null : CheckCertificate(trust, id, now);
                if (certificateProblem is not null)
                {
                    problems.Add($"{where}: {certificateProblem}");
                }

                agencies.Add(new Agency(id, type ?? "", name ?? "", string.IsNullOrEmpty(endpoint) ? null : endpoint, mesh));
            }
        }
        catch (JsonException ex)
        {
            throw new GatewayConfigurationException([$"{source}: not valid JSON ({ex.Message})"]);
        }

        var duplicates = agencies.GroupBy(a => a.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{source}: agency {g.Key} is listed more than once");
        problems.AddRange(duplicates);

        // Answers through MESH are matched to their agency by mailbox: two agencies on one mailbox could not be told apart.
        problems.AddRange(agencies.Where(a => a.Mesh is not null).GroupBy(a => a.Mesh!.Mailbox, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"{source}: MESH mailbox {g.Key} is given to agencies {string.Join(", ", g.Select(a => a.Id))}; each agency needs its own"));
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        return new AgencyDirectory(agencies);
    }

    private static string? CheckEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return $"'{endpoint}' is not an absolute URL";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            return $"'{endpoint}' must be https";
        }

        // Plain http carries health records unencrypted in transit; only acceptable when it never leaves the machine.
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? null : $"'{endpoint}' uses plain http on a non-loopback host; use https";
    }

    private static string? CheckCertificate(TrustStore trust, string id, DateTimeOffset now)
    {
        if (trust.CertificatesFor(id).Count == 0)
        {
            return $"no certificate {id}.crt in the certs folder";
        }

        try
        {
            trust.RecipientCertificate(id, now);
            return null;
        }
        catch (SealingException ex)
        {
            return $"certificate not usable: {ex.Message}";
        }
    }

    // "mesh": {"mailbox": "X26ABC123", "workflowId": "EXG_RELEASE"}: MESH mailbox ids are letters and digits, workflow ids also _ and -.
    private static (MeshAddress? Mesh, string? Problem) Mesh(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("mesh", out var mesh) || mesh.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (mesh.ValueKind != JsonValueKind.Object)
        {
            return (null, "mesh must be an object: {\"mailbox\", \"workflowId\"}");
        }

        var mailbox = Text(mesh, "mailbox");
        var workflow = Text(mesh, "workflowId");
        if (mailbox is null || mailbox.Length is 0 or > 20 || !mailbox.All(char.IsAsciiLetterOrDigit))
        {
            return (null, $"mesh.mailbox '{mailbox}' must be a MESH mailbox id (1 to 20 letters and digits)");
        }

        if (workflow is null || workflow.Length is 0 or > 64 || !workflow.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            return (null, $"mesh.workflowId '{workflow}' must be a MESH workflow id (1 to 64 letters, digits, _ or -)");
        }

        return (new MeshAddress(mailbox, workflow), null);
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The gateway's configuration is wrong; each line says what and where.</summary>
public sealed class GatewayConfigurationException(IReadOnlyList<string> problems)
    : Exception("the gateway cannot start:\n  " + string.Join("\n  ", problems))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
