namespace ExchangeGateway.Domain;

/// <summary>What a person at the receiving agency decided about a message addressed to it (the ITK3 business acknowledgement).</summary>
public enum ResponseOutcome
{
    /// <summary>A named clinician accepted the record: the person is expected and will be cared for.</summary>
    Accepted,

    /// <summary>The record was refused, with a reason the sender must act on.</summary>
    Rejected,
}

/// <summary>The one wire spelling of each <see cref="ResponseOutcome"/>.</summary>
public static class ResponseOutcomes
{
    /// <summary>The wire spelling of <see cref="ResponseOutcome.Accepted"/>.</summary>
    public const string Accepted = "accepted";

    /// <summary>The wire spelling of <see cref="ResponseOutcome.Rejected"/>.</summary>
    public const string Rejected = "rejected";

    /// <summary>The outcome's wire spelling.</summary>
    public static string Name(ResponseOutcome outcome) => outcome == ResponseOutcome.Accepted ? Accepted : Rejected;

    /// <summary>The outcome a wire spelling names, or null for any other text.</summary>
    public static ResponseOutcome? Parse(string? text) => text switch
    {
        Accepted => ResponseOutcome.Accepted,
        Rejected => ResponseOutcome.Rejected,
        _ => null,
    };
}

/// <summary>The person who answered: name and role always, professional registration number when they have one.</summary>
public sealed record Responder(string Name, string Role, string? ProfessionalId = null);

/// <summary>A medication the receiving prison cannot continue, and why (the sender must arrange something else before the move).</summary>
public sealed record CannotContinue(string Medication, string Reason);

/// <summary>A business response to one message: outcome, who, why, and any medication that cannot be continued.</summary>
public sealed record BusinessResponse(
    ResponseOutcome Outcome,
    Responder By,
    string? Reason = null,
    string? Note = null,
    IReadOnlyList<CannotContinue>? CannotContinue = null)
{
    /// <summary>True when the sender must hear at once as its own message: a rejection, or a medication that cannot be continued.</summary>
    public bool NeedsNotice => Outcome == ResponseOutcome.Rejected || CannotContinue is { Count: > 0 };
}

/// <summary>A business response as the sender sees it: the response, which agency gave it and when.</summary>
public sealed record AnsweredMessage(string MessageId, string Responder, BusinessResponse Response, DateTimeOffset At);

/// <summary>The rules of a business response that depend on who answers.</summary>
public static class ResponseRules
{
    /// <summary>Adds an error, naming its field, for each rule the response breaks when given by an agency of <paramref name="responderType"/>.</summary>
    public static void Check(BusinessResponse response, string responderType, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(errors);
        if (response.Outcome == ResponseOutcome.Rejected && string.IsNullOrWhiteSpace(response.Reason))
        {
            errors.Add(new("reason", "a rejection must give its reason, so the sender can act on it"));
        }

        // Only a prison takes over dosing on arrival; a community service states what it cannot do in a reason.
        if (response.CannotContinue is { Count: > 0 } && responderType != AgencyTypes.Prison)
        {
            errors.Add(new("cannotContinue", $"only a receiving prison says which medication it cannot continue; this caller is {responderType}"));
        }
    }
}
