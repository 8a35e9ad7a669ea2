using ExchangeGateway.Audit;
using ExchangeGateway.Crypto;
using ExchangeGateway.Domain;
using ExchangeGateway.Http;
using ExchangeGateway.Storage;
using Microsoft.AspNetCore.Antiforgery;

namespace ExchangeGateway.Gateway;

/// <summary>
/// <c>/console/</c>: the operator console. Operators only (<see cref="OperatorFilter"/>); the page has no script and
/// a strict Content-Security-Policy; its forms carry an antiforgery token, because a browser presents the operator's
/// client certificate to any page that posts here. Retry and cancel are audited as admin actions.
/// </summary>
internal static class OperatorConsoleEndpoints
{
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>Maps the console's routes (excluded from the OpenAPI document: they are pages, not API).</summary>
    public static void Map(WebApplication app)
    {
        // The headers first, so that a refusal carries them too.
        var console = app.MapGroup("/console").ExcludeFromDescription();
        console.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            return await next(context).ConfigureAwait(false);
        });
        console.AddEndpointFilter<OperatorFilter>();

        console.MapGet("/", (HttpContext context, string? retried, string? cancelled, string? refused, string? verifying,
            IGatewayStore store, AgencyDirectory directory, TrustStore trust, TlsIdentity tls, AuditVerifying audit, TimeProvider time, IAntiforgery antiforgery) =>
        {
            var snapshot = ConsoleSnapshot.Read(store, directory, trust, tls, audit, time);
            var tokens = antiforgery.GetAndStoreTokens(context);
            var page = ConsolePage.Render(snapshot, OperatorFilter.OperatorOf(context), Notice(retried, cancelled, refused, verifying), (tokens.FormFieldName, tokens.RequestToken!));
            return Results.Content(page, "text/html; charset=utf-8");
        });

        console.MapGet("/console.css", () => Results.Text(ConsolePage.Css, "text/css; charset=utf-8"));

        console.MapPost("/messages/{messageId}/retry", (HttpContext context, string messageId, IAntiforgery antiforgery, IGatewayStore store, GatewayAudit audit, PushDelivery push) =>
            ChangeAsync(context, antiforgery, store, audit, messageId, AdminActions.OutboxRetry, admin => admin.Retry(messageId), push, "retried"));

        console.MapPost("/messages/{messageId}/cancel", (HttpContext context, string messageId, IAntiforgery antiforgery, IGatewayStore store, GatewayAudit audit, PushDelivery push) =>
            ChangeAsync(context, antiforgery, store, audit, messageId, AdminActions.OutboxCancel, admin => admin.Cancel(messageId, $"cancelled by operator {OperatorFilter.OperatorOf(context)}"), push, "cancelled"));

        console.MapPost("/audit/verify", async (HttpContext context, IAntiforgery antiforgery, AuditVerifying audit) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Forged();
            }

            _ = audit.Start();
            return Results.Redirect("/console/?verifying=1", permanent: false, preserveMethod: false);
        });
    }

    // The change and its admin-action entry in one unit of work; a retried push is woken at once.
    private static async Task<IResult> ChangeAsync(HttpContext context, IAntiforgery antiforgery, IGatewayStore store, GatewayAudit audit, string messageId,
        string action, Func<IOutboxAdmin, bool> change, PushDelivery push, string done)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Forged();
        }

        var operatorId = OperatorFilter.OperatorOf(context);
        var changed = store.InTransaction(tx =>
        {
            if (!change(tx.Admin))
            {
                return false;
            }

            audit.AdminAction(tx, operatorId, action, messageId);
            return true;
        });
        if (changed && action == AdminActions.OutboxRetry)
        {
            push.Wake();
        }

        return Results.Redirect($"/console/?{(changed ? done : "refused")}={Uri.EscapeDataString(messageId)}");
    }

    private static IResult Forged() =>
        GatewayApi.Problem(StatusCodes.Status400BadRequest, "The form's antiforgery token is missing or not valid: reload /console/ and try again");

    // Only an id shaped like the gateway's message ids is echoed, so a crafted link cannot put other words on the page.
    private static (string Text, bool Refused)? Notice(string? retried, string? cancelled, string? refused, string? verifying) =>
        Guid.TryParse(retried, out _) ? ($"Message {retried} is queued again.", false)
        : Guid.TryParse(cancelled, out _) ? ($"Message {cancelled} is cancelled.", false)
        : Guid.TryParse(refused, out _) ? ($"Message {refused} was not changed: it is no longer dead-lettered or expired, or it is being pushed right now (try again shortly).", true)
        : verifying is not null ? ("Verification started: reload to see its result.", false)
        : null;
}
