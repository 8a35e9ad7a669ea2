using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Http;
using ExchangeGateway.Rendering;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExchangeGateway.Inbox;

/// <summary>The inbox's routes: the list, a message, the actions (each a call to the gateway's API), the push endpoint and the CSS.</summary>
internal static class InboxEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/", (HttpContext context, InboxStore store, MailboxPolling polling, InboxSettings settings) =>
            Page(context, 200, InboxPages.List(settings.Agency, store.List(), polling.Last, Token(context))));

        app.MapPost("/check", async (HttpContext context, MailboxPolling polling, InboxSettings settings) =>
        {
            if (await Refused(context) is { } refused)
            {
                return refused;
            }

            var check = await polling.CheckNowAsync(context.RequestAborted);
            return check.Reached
                ? Results.Redirect("/", permanent: false, preserveMethod: false)
                : Page(context, 503, InboxPages.Error(settings.Agency, "The gateway could not be reached", check.Summary));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapGet("/messages/{id}", (HttpContext context, string id, InboxStore store, InboxSettings settings) =>
        {
            if (store.Find(id) is not { } item)
            {
                return NotFound(context, settings, id);
            }

            // Opening it is reading it; an answered message keeps its answer as its state.
            if (item.State == InboxStates.New)
            {
                item = store.Update(id, i => i with { State = InboxStates.Read }) ?? item;
            }

            return MessagePage(context, 200, store, settings, item, null);
        });

        app.MapPost("/messages/{id}/response", (HttpContext context, string id) => ActAsync(context, id, "Response", async (form, item, client, _) =>
        {
            var body = ActionBodies.Response(form);
            var response = await client.RespondAsync(id, Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);
            var state = body["outcome"]?.ToString() == ResponseOutcomes.Rejected ? InboxStates.Rejected : InboxStates.Accepted;
            return (response, state);
        })).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapPost("/messages/{id}/reply", (HttpContext context, string id) => ActAsync(context, id, "Reply", async (form, item, client, person) =>
        {
            var kind = form["kind"] == EventTypes.Engagement ? EventTypes.Engagement : EventTypes.ReceptionReply;
            var settings = context.RequestServices.GetRequiredService<InboxSettings>();
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            var body = ActionBodies.Reply(form, kind, settings.Agency, id, person, time.GetLocalNow());
            return (await client.SubmitAsync(Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted), InboxStates.Replied);
        })).WithMetadata(new RequireAntiforgeryTokenAttribute());

        // The push endpoint the agency's directory entry names: the gateway posts packages here, as to 'exg receive'.
        app.MapPost("/agencies/{agency}", async (HttpContext context, string agency, InboxSettings settings, InboxStore store, PushReceiver receiver, TimeProvider time, ILogger<InboxStore> log) =>
        {
            if (agency != settings.Agency)
            {
                return Results.NotFound();
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var receipt = receiver.Receive(body.ToArray(), context.Request.Headers["X-Message-Id"], (messageId, opened) => !store.Save(messageId, opened.Content, "push", time.GetUtcNow()));
            if (receipt.Opened is null)
            {
                log.LogWarning("Pushed message {MessageId} not taken: {Problem}", receipt.MessageId, receipt.Problem);
            }
            else
            {
                log.LogInformation("Pushed message {MessageId} {Outcome}", receipt.MessageId, receipt.Repeat ? "again (a duplicate, kept once)" : "saved");
            }

            return Results.StatusCode(receipt.Status);
        });

        app.MapGet("/inbox.css", () => Results.Text(InboxStyle.Css, "text/css", Encoding.UTF8));
        app.MapGet("/document.css", () => Results.Text(PrintablePage.Stylesheet, "text/css", Encoding.UTF8));
        // Browsers ask for it on every page; there is none, and a 404 would read as a fault.
        app.MapGet("/favicon.ico", () => Results.NoContent());
        app.MapFallback((HttpContext context, InboxSettings settings) =>
            Page(context, 404, InboxPages.Error(settings.Agency, "Not found", "There is no such page in this inbox.")));
    }

    private static async Task<IResult> ActAsync(HttpContext context, string id, string what, Func<IFormCollection, InboxItem, GatewayClient, Client, Task<(GatewayResponse Response, string State)>> act)
    {
        if (await Refused(context) is { } refused)
        {
            return refused;
        }

        var store = context.RequestServices.GetRequiredService<InboxStore>();
        var settings = context.RequestServices.GetRequiredService<InboxSettings>();
        if (store.Find(id) is not { } item || item.IsNotice)
        {
            return NotFound(context, settings, id);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var person = SubmissionUnmapper.Unmap(Bundle(store, id)).Person()!;
        GatewayResponse response;
        string state;
        try
        {
            (response, state) = await act(form, item, context.RequestServices.GetRequiredService<GatewayClient>(), person);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !context.RequestAborted.IsCancellationRequested))
        {
            return MessagePage(context, 503, store, settings, item, GatewayAnswerPanel.Unreachable);
        }

        var panel = GatewayAnswerPanel.Of(response, what);
        item = store.Update(id, i => i with { State = response.IsSuccess ? state : i.State, LastAction = panel.Line }) ?? item;
        var status = response.IsSuccess ? 200 : (int)response.Status is >= 400 and < 500 ? (int)response.Status : 502;
        return MessagePage(context, status, store, settings, item, panel.Html);
    }

    // A form without a valid antiforgery token (another site's page posting here) is refused before anything is read or changed.
    private static async Task<IResult?> Refused(HttpContext context)
    {
        var valid = context.Features.Get<IAntiforgeryValidationFeature>()?.IsValid
            ?? await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        return valid
            ? null
            : Page(context, 400, InboxPages.Error(context.RequestServices.GetRequiredService<InboxSettings>().Agency, "Form refused", "The form was not one this inbox gave out (its security token is missing or wrong), so nothing was done. Open the page again and resend it."));
    }

    private static IResult MessagePage(HttpContext context, int status, InboxStore store, InboxSettings settings, InboxItem item, string? answer)
    {
        string document;
        try
        {
            document = PrintablePage.BodyOf(DocumentPage.Render(Bundle(store, item.MessageId)));
        }
        catch (UnmapException)
        {
            document = "<p>This inbox cannot show this document: it is not one ExchangeGateway makes. It is kept in the inbox folder as received.</p>\n";
        }

        return Page(context, status, InboxPages.Message(settings.Agency, item, document, answer, InboxForms.For(item, settings, Token(context))));
    }

    private static Hl7.Fhir.Model.Bundle Bundle(InboxStore store, string id) =>
        FhirDocumentJson.TryParse(Encoding.UTF8.GetString(store.Document(id)), out var bundle, out var problem) ? bundle! : throw new UnmapException("Bundle", problem ?? "unreadable");

    private static IResult NotFound(HttpContext context, InboxSettings settings, string id) =>
        Page(context, 404, InboxPages.Error(settings.Agency, "No such message", $"This inbox has no message {id}."));

    private static string Token(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{PrintablePage.Encode(tokens.FormFieldName)}\" value=\"{PrintablePage.Encode(tokens.RequestToken)}\">";
    }

    private static IResult Page(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        return Results.Content(html, "text/html", Encoding.UTF8, status);
    }
}
