using ExchangeGateway.Fhir;

namespace ExchangeGateway.Gateway;

/// <summary>The national-code maps the gateway maps with: the embedded ones, plus Gateway:Terminology when set.</summary>
public static class DeploymentTerminology
{
    /// <summary>
    /// Loads the maps at start, so a missing or broken file stops the gateway with its name and why rather than
    /// documents going out without the national codes the deployment asked for.
    /// </summary>
    public static NationalCodes Load(string? terminologyFile)
    {
        if (string.IsNullOrEmpty(terminologyFile))
        {
            return NationalCodes.Embedded;
        }

        try
        {
            return NationalCodes.Embedded.With(terminologyFile, ProfileSet.Embedded);
        }
        catch (TerminologyFileException ex)
        {
            throw new GatewayConfigurationException([$"Gateway:Terminology: {ex.Message}"]);
        }
    }
}
