using System.CommandLine;
using System.Text;
using System.Text.Json;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Rendering;

namespace ExchangeGateway.Cli;

/// <summary>render: a document as a standalone, print-ready HTML page for a clinician or for the person it is about.</summary>
public static class RenderCommand
{
    private const long MaxBundleBytes = 16 * 1024 * 1024;
    private const long MaxDirectoryBytes = 1024 * 1024;

    /// <summary>The command, writing to the given writers.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "A FHIR R4 document Bundle made by 'exg map' (or opened by 'exg open')." };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the HTML page to this file instead of standard output." };
        var audience = new Option<string>("--for")
        {
            Description = "clinician: the whole document with its safety flags; person: a plain-language release pack for the person, from their own record only.",
            DefaultValueFactory = _ => "clinician",
        };
        audience.AcceptOnlyFromAmong("clinician", "person");
        var agencies = new Option<string?>("--agencies") { Description = "An agency directory JSON file ({\"agencies\":[{id,type,name}]}) whose names are shown beside the codes." };
        var command = new Command("render", "Render a document as a standalone, print-ready HTML page (inline CSS, no scripts, nothing fetched).") { bundle, outFile, audience, agencies };
        command.SetAction(parse =>
        {
            var json = Encoding.UTF8.GetString(InputFiles.Read(parse.GetValue(bundle)!, MaxBundleBytes));
            if (!FhirDocumentJson.TryParse(json, out var document, out var problem))
            {
                return Invalid(error, problem!);
            }

            AgencyDirectory? directory = null;
            if (parse.GetValue(agencies) is { } directoryFile && !TryReadDirectory(directoryFile, out directory, out var directoryProblem))
            {
                return Invalid(error, directoryProblem!);
            }

            try
            {
                var html = parse.GetValue(audience) == "person"
                    ? ReleasePack.Render(document!, directory)
                    : DocumentPage.Render(document!, directory);
                InputFiles.Write(parse.GetValue(outFile), html, output);
                return ExitCodes.Ok;
            }
            catch (UnmapException ex)
            {
                return Invalid(error, ex.Message);
            }
        });
        return command;
    }

    // Only names are needed here, so unlike the gateway's loader this one asks for no certificates or endpoints.
    private static bool TryReadDirectory(string path, out AgencyDirectory? directory, out string? problem)
    {
        directory = null;
        try
        {
            using var parsed = JsonDocument.Parse(InputFiles.Read(path, MaxDirectoryBytes));
            if (!parsed.RootElement.TryGetProperty("agencies", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                problem = $"{path}: expected {{\"agencies\": [...]}}";
                return false;
            }

            directory = new AgencyDirectory(list.EnumerateArray().Select(entry => new Agency(Text(entry, "id"), Text(entry, "type"), Text(entry, "name"))).ToList());
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            problem = $"{path}: not a readable agency directory: {ex.Message}";
            return false;
        }
    }

    private static string Text(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static int Invalid(TextWriter error, string problem)
    {
        error.WriteLine($"error: {problem}");
        return ExitCodes.InvalidInput;
    }
}
