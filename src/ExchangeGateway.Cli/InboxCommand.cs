using System.CommandLine;
using System.Security.Cryptography;
using ExchangeGateway.Inbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace ExchangeGateway.Cli;

/// <summary>exg inbox: the agency's own web inbox on loopback, opening its messages with its key and answering them through the gateway.</summary>
public static class InboxCommand
{
    /// <summary>The command.</summary>
    public static Command Create(TextWriter output)
    {
        var gateway = TransferCommands.GatewayOption();
        var asAgency = TransferCommands.AsOption("The agency whose inbox this is: its key opens the messages.");
        var certs = TransferCommands.CertsOption();
        var listen = new Option<string>("--listen") { Description = "The loopback address to serve the inbox on (plain http, loopback only: there is no login).", DefaultValueFactory = _ => InboxSettings.DefaultListen };
        var store = new Option<string?>("--store") { Description = "The folder the messages and their states are kept in (default: inbox-AGENCY here)." };
        var type = new Option<string?>("--type") { Description = "The agency's type: prison, cjit, community-treatment or gp (default: the type its certificate names)." };
        var poll = new Option<int>("--poll") { Description = "Seconds between two checks of the gateway mailbox.", DefaultValueFactory = _ => (int)InboxSettings.DefaultPoll.TotalSeconds };
        var command = new Command("inbox", "Run the agency's inbox: a web page on loopback listing its messages (pulled from the gateway mailbox, or pushed to POST /agencies/AGENCY), showing each, and accepting, rejecting or replying through the gateway.")
        {
            gateway, asAgency, type, certs, listen, store, poll,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var agency = parse.GetValue(asAgency)!;
            if (InboxSettings.ListenProblem(parse.GetValue(listen)!, out var listenUri) is { } listenProblem)
            {
                throw new UsageException(listenProblem);
            }

            if (InboxSettings.GatewayProblem(parse.GetValue(gateway)!, out var gatewayUri) is { } gatewayProblem)
            {
                throw new UsageException(gatewayProblem);
            }

            if (parse.GetValue(poll) < 1)
            {
                throw new UsageException("--poll: give a number of seconds, 1 or more");
            }

            var agencyType = parse.GetValue(type) ?? InboxSettings.TypeFromCertificate(parse.GetValue(certs)!, agency)
                ?? throw new UsageException($"--type: the certificate of {agency} names no agency type; say which: {string.Join(", ", InboxSettings.Types)}");
            if (!InboxSettings.Types.Contains(agencyType))
            {
                throw new UsageException($"--type {agencyType}: expected one of {string.Join(", ", InboxSettings.Types)}");
            }

            var settings = new InboxSettings(gatewayUri!, agency, agencyType, parse.GetValue(certs)!, listenUri!, parse.GetValue(store) ?? InboxSettings.DefaultStore(agency), TimeSpan.FromSeconds(parse.GetValue(poll)));
            WebApplication app;
            try
            {
                app = InboxHost.Build(settings);
            }
            catch (Exception ex) when (ex is IOException or CryptographicException or FormatException or ArgumentException)
            {
                throw new UsageException($"cannot start the inbox of {agency}: {ex.Message}");
            }

            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                output.WriteLine($"inbox of {agency} on {string.Join(", ", app.Urls)}, messages in {settings.Store}; stop with Ctrl+C");
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
