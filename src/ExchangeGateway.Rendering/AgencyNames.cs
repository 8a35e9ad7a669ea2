using ExchangeGateway.Domain;

namespace ExchangeGateway.Rendering;

/// <summary>How a page names an agency: its directory name with its code when the directory knows it, else the code alone.</summary>
public static class AgencyNames
{
    /// <summary>"Leeds CJIT (CJIT-LEEDS)", or "CJIT-LEEDS" without a directory entry.</summary>
    public static string Describe(string id, AgencyDirectory? directory) =>
        directory?.Find(id) is { Name.Length: > 0 } agency && agency.Name != id ? $"{agency.Name} ({id})" : id;
}
