using System.Security.Cryptography.X509Certificates;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Inbox;

/// <summary>
/// How an inbox runs: which gateway, as which agency (its type, one of <see cref="AgencyTypes"/>, and its certs folder),
/// where it listens and keeps its messages.
/// </summary>
public sealed record InboxSettings(Uri Gateway, string Agency, string AgencyType, string Certs, Uri Listen, string Store, TimeSpan Poll)
{
    /// <summary>The agency types an inbox serves (an operator has the console instead).</summary>
    public static IReadOnlyList<string> Types { get; } = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp];

    /// <summary>
    /// The agency type its certificate names in its organisational unit (as the development PKI writes it: Prison, Cjit,
    /// Provider, GpPractice), or null when <c>CERTS/AGENCY.crt</c> names none; then <c>--type</c> must say.
    /// </summary>
    public static string? TypeFromCertificate(string certs, string agency)
    {
        var path = Path.Combine(certs, agency + ".crt");
        if (!File.Exists(path))
        {
            return null;
        }

        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        var unit = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.GetSingleElementType().Value == "2.5.4.11")
            .Select(n => n.GetSingleElementValue())
            .FirstOrDefault();
        // The unit is the development PKI's AgencyType name, as it writes it: parsed by that enum, not by a second list of names.
        if (unit is null || !Enum.GetNames<Crypto.AgencyType>().Contains(unit, StringComparer.Ordinal))
        {
            return null;
        }

        return Enum.Parse<Crypto.AgencyType>(unit) switch
        {
            Crypto.AgencyType.Prison => AgencyTypes.Prison,
            Crypto.AgencyType.Cjit => AgencyTypes.Cjit,
            Crypto.AgencyType.Provider => AgencyTypes.CommunityTreatment,
            Crypto.AgencyType.GpPractice => AgencyTypes.Gp,
            _ => null,
        };
    }

    /// <summary>The default time between two mailbox checks.</summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(30);

    /// <summary>The default --listen.</summary>
    public const string DefaultListen = "http://127.0.0.1:8490";

    /// <summary>The default store folder for an agency: inbox-AGENCY under the current folder.</summary>
    public static string DefaultStore(string agency) => Path.Combine(Environment.CurrentDirectory, "inbox-" + agency);

    /// <summary>
    /// Why <paramref name="listen"/> cannot be the inbox's address, or null. Loopback plain http only: there is no login,
    /// so whoever reaches the page acts as the agency, and only this machine may.
    /// </summary>
    public static string? ListenProblem(string listen, out Uri? uri)
    {
        if (!Uri.TryCreate(listen, UriKind.Absolute, out uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/" || !uri.IsLoopback)
        {
            uri = null;
            return $"--listen {listen}: the inbox has no login, so it listens on plain http on loopback only (e.g. {DefaultListen})";
        }

        return null;
    }

    /// <summary>Why <paramref name="gateway"/> cannot be the gateway's address, or null.</summary>
    public static string? GatewayProblem(string gateway, out Uri? uri)
    {
        if (!Uri.TryCreate(gateway.EndsWith('/') ? gateway : gateway + "/", UriKind.Absolute, out uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            uri = null;
            return $"--gateway {gateway}: expected an https:// URL";
        }

        return null;
    }

}
