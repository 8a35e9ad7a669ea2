using System.Text.Json.Nodes;

namespace ExchangeGateway.Gateway;

/// <summary>
/// Answers a request that met a storage fault with 503 problem+json and Retry-After, not a 500 with an empty body.
/// The failed transaction has rolled back, so nothing from the request was stored and the sender may simply send again.
/// </summary>
public static class StorageFaultAnswers
{
    /// <summary>The problem document's title.</summary>
    public const string Title = "Storage unavailable";

    /// <summary>Adds the answer around every endpoint of the application.</summary>
    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var storage = app.Services.GetRequiredService<StorageHealth>();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageHealth.IsFault(ex) && !context.Response.HasStarted)
            {
                // The route pattern, not the path: a path can carry a message or submission id.
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "a request";
                storage.Failed(ex, $"answering {context.Request.Method} {endpoint}");
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.ContentType = "application/problem+json";
                context.Response.Headers.RetryAfter = storage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var problem = new JsonObject
                {
                    ["type"] = "about:blank",
                    ["title"] = Title,
                    ["status"] = 503,
                    ["detail"] = "The gateway could not read or write its database. Nothing from this request was stored; send it again after the Retry-After interval.",
                };
                await context.Response.WriteAsync(problem.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
            }
        });
    }
}
