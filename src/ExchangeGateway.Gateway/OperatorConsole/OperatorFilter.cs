using ExchangeGateway.Domain;
using ExchangeGateway.Http;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Admits only callers whose client certificate names an agency of type <c>operator</c> in the directory: 401 without a
/// certificate, 403 for any other agency. The console shows no one's record, but it can cancel and retry deliveries.
/// </summary>
internal sealed class OperatorFilter(AgencyDirectory directory, ILogger<OperatorFilter> log) : IEndpointFilter
{
    private const string OperatorKey = "ExchangeGateway.Operator";

    /// <summary>The operator the filter admitted for this request.</summary>
    public static string OperatorOf(HttpContext context) =>
        context.Items[OperatorKey] as string ?? throw new InvalidOperationException("the endpoint is outside the console group that admits operators");

    /// <summary>The operator named by the request's client certificate, or null.</summary>
    public static string? Operator(HttpContext context, AgencyDirectory directory)
    {
        var caller = TlsIdentity.AgencyOf(context.Connection.ClientCertificate);
        return caller is not null && directory.Find(caller)?.Type == AgencyTypes.Operator ? caller : null;
    }

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HttpContext.Connection.ClientCertificate is null)
        {
            return GatewayApi.Problem(StatusCodes.Status401Unauthorized, "A client certificate naming an operator is required");
        }

        var operatorId = Operator(context.HttpContext, directory);
        if (operatorId is null)
        {
            log.LogWarning("Refused the console to a caller whose certificate names {Agency}: not an operator", TlsIdentity.AgencyOf(context.HttpContext.Connection.ClientCertificate));
            return GatewayApi.Problem(StatusCodes.Status403Forbidden, "The console is for the gateway's operators; this certificate names no operator");
        }

        context.HttpContext.Items[OperatorKey] = operatorId;
        return await next(context).ConfigureAwait(false);
    }
}
