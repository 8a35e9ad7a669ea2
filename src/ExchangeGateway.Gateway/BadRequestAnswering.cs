namespace ExchangeGateway.Gateway;

/// <summary>
/// Answers a request Kestrel rejects while the API reads it (a body over the server limit, a stalled body, bad
/// chunking) with its status (413, 408, 400) and one warning line. It is the client's mistake, not the gateway's:
/// logged as an unhandled error with a stack trace, any client could flood the error log with it.
/// </summary>
internal sealed class BadRequestAnswering(RequestDelegate next, ILogger<BadRequestAnswering> log)
{
    /// <summary>Runs the rest of the pipeline, answering a bad request it throws.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's messages for body errors name the rule broken, never the body's content; the exception itself is left out on purpose.
            log.LogWarning("Refused a bad request {Method} {Path}: {Status} {Reason}", context.Request.Method, context.Request.Path.Value, ex.StatusCode, ex.Message);
            await GatewayApi.Problem(ex.StatusCode, ex.Message).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
