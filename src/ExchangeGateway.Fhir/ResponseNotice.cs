using ExchangeGateway.Domain;

namespace ExchangeGateway.Fhir;

/// <summary>
/// A business response as delivered to the original sender: the gateway message answered (<paramref name="MessageId"/>), the
/// sender's submission it came from, the answered message's event type, the agency that answered (id and type), the sender's
/// agency id, the response itself, and when it was given.
/// </summary>
public sealed record ResponseNotice(string MessageId, string SubmissionId, string AnsweredEventType, string Responder, string ResponderType, string Sender, BusinessResponse Response, DateTimeOffset At);
