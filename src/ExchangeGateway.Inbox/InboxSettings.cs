namespace ExchangeGateway.Inbox;

/// <summary>How an inbox runs: which gateway, as which agency (its certs folder), where it listens and keeps its messages.</summary>
public sealed record InboxSettings(Uri Gateway, string Agency, string Certs, Uri Listen, string Store, TimeSpan Poll)
{
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

    /// <summary>True for a CJIT or community treatment provider: they report engagement after a release.</summary>
    public bool IsCommunityService => Agency.StartsWith("CJIT-", StringComparison.Ordinal) || Agency.StartsWith("CTP-", StringComparison.Ordinal);

    /// <summary>True for a prison (three capital letters): it asks with a reception, it does not answer one.</summary>
    public bool IsPrison => Agency.Length == 3 && Agency.All(char.IsAsciiLetterUpper);
}
