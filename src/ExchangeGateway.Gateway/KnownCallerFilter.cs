using System.Security.Cryptography;
using ExchangeGateway.Domain;
using ExchangeGateway.Http;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Admits to the API only a caller whose client certificate names an agency in the directory: 401 without a
/// certificate, 403 for one that names no known agency, names the gateway itself or names an operator. The CA may have issued
/// certificates the directory does not list; a valid chain alone makes no one a sender or a mailbox owner.
/// </summary>
internal sealed class KnownCallerFilter(AgencyDirectory directory, TlsIdentity gateway, GatewayAudit audit, ILogger<KnownCallerFilter> log) : IEndpointFilter
{
    private const string CallerKey = "ExchangeGateway.Caller";

    /// <summary>The agency the filter admitted for this request.</summary>
    public static string CallerOf(HttpContext context) =>
        context.Items[CallerKey] as string ?? throw new InvalidOperationException("the endpoint is outside the API group that admits callers");

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var certificate = context.HttpContext.Connection.ClientCertificate;
        var caller = TlsIdentity.AgencyOf(certificate);
        if (caller is null)
        {
            return GatewayApi.Problem(StatusCodes.Status401Unauthorized, "A client certificate naming an agency is required");
        }

        if (caller == gateway.AgencyId || directory.Find(caller) is null)
        {
            const string reason = "the client certificate names no agency known to this gateway";
            log.LogWarning("Refused a caller whose certificate names {Agency}: {Reason}", caller, reason);
            audit.CertificateProblem(caller, Convert.ToHexStringLower(SHA256.HashData(certificate!.GetRawCertData())), reason);
            return GatewayApi.Problem(StatusCodes.Status403Forbidden, $"The client certificate names {caller}, which is no agency known to this gateway");
        }

        // An operator runs the gateway; it neither sends nor receives a person's record, so the API is not for it.
        if (directory.Find(caller)!.Type == AgencyTypes.Operator)
        {
            return GatewayApi.Problem(StatusCodes.Status403Forbidden, $"The client certificate names {caller}, an operator: operators use /console/, not the API");
        }

        context.HttpContext.Items[CallerKey] = caller;
        return await next(context).ConfigureAwait(false);
    }
}
