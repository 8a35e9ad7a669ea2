using System.CommandLine;
using System.Text.Json.Nodes;

namespace ExchangeGateway.Cli;

/// <summary><c>exg respond</c>: a named person at the receiving agency accepts or rejects a message it received.</summary>
internal static class RespondCommand
{
    /// <summary>The command, writing to the given writers.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("MESSAGE_ID") { Description = "The message answered (its id as delivered or listed in the mailbox)." };
        var gateway = TransferCommands.GatewayOption();
        var asAgency = TransferCommands.AsOption("The agency answering; the message must have been addressed to it.");
        var certs = TransferCommands.CertsOption();
        var accept = new Option<bool>("--accept") { Description = "Accept the record: the person is expected and will be cared for." };
        var reject = new Option<string?>("--reject") { Description = "Reject the record, giving the reason the sender must act on." };
        var name = new Option<string>("--by-name") { Description = "The name of the person answering.", Required = true };
        var role = new Option<string>("--by-role") { Description = "Their role, e.g. Prescriber, GP, Healthcare manager.", Required = true };
        var professionalId = new Option<string?>("--by-id") { Description = "Their professional registration number (GMC, NMC, GPhC), when they have one." };
        var note = new Option<string?>("--note") { Description = "A note for the sender." };
        var cannotContinue = new Option<string[]>("--cannot-continue")
        {
            Description = "A medication this prison cannot continue, as MEDICATION=REASON; repeat for more.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("respond", "Accept or reject a message this agency received, as a named person (the business acknowledgement); the sender sees it in track.")
        {
            id, gateway, asAgency, certs, accept, reject, name, role, professionalId, note, cannotContinue,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var reason = parse.GetValue(reject);
            if (parse.GetValue(accept) == (reason is not null))
            {
                throw new UsageException("give either --accept or --reject REASON");
            }

            var body = new JsonObject
            {
                ["outcome"] = reason is null ? "accepted" : "rejected",
                ["by"] = By(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(professionalId)),
            };
            if (reason is not null)
            {
                body["reason"] = reason;
            }

            if (parse.GetValue(note) is { } text)
            {
                body["note"] = text;
            }

            if (parse.GetValue(cannotContinue) is { Length: > 0 } items)
            {
                body["cannotContinue"] = new JsonArray([.. items.Select(CannotContinue)]);
            }

            using var client = TransferCommands.Client(parse.GetValue(gateway)!, parse.GetValue(certs)!, parse.GetValue(asAgency)!);
            var messageId = parse.GetValue(id)!;
            var response = await TransferCommands.Call(() => client.RespondAsync(messageId, System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()), cancellationToken)).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return TransferCommands.Report(response, output, error, messageId);
            }

            var answer = JsonNode.Parse(response.Text)!;
            output.WriteLine($"{messageId}: {answer["status"]}");
            if (answer["response"] is { } given)
            {
                output.WriteLine($"  {Describe(given)}");
            }

            if (answer["noticeMessageId"] is { } notice)
            {
                output.WriteLine($"  the sender is told at once in message {notice}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A response as one line: outcome, who, when, why, and any medication that cannot be continued.</summary>
    public static string Describe(JsonNode response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var by = response["by"];
        var who = $"{by?["name"]} ({by?["role"]}{(by?["professionalId"] is { } pid ? ", " + pid : "")})";
        var text = $"{response["outcome"]} by {who} at {response["at"]}";
        if (response["reason"] is { } reason)
        {
            text += $": {reason}";
        }

        foreach (var item in response["cannotContinue"]?.AsArray() ?? [])
        {
            text += $"; cannot continue {item?["medication"]}: {item?["reason"]}";
        }

        return response["note"] is { } note ? text + $" (note: {note})" : text;
    }

    private static JsonObject By(string name, string role, string? professionalId)
    {
        var by = new JsonObject { ["name"] = name, ["role"] = role };
        if (professionalId is not null)
        {
            by["professionalId"] = professionalId;
        }

        return by;
    }

    private static JsonNode CannotContinue(string item)
    {
        var split = item.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || split == item.Length - 1)
        {
            throw new UsageException($"--cannot-continue {item}: expected MEDICATION=REASON");
        }

        return new JsonObject { ["medication"] = item[..split].Trim(), ["reason"] = item[(split + 1)..].Trim() };
    }
}
