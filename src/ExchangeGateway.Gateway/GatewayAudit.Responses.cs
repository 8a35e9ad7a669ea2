using ExchangeGateway.Audit;
using ExchangeGateway.Domain;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Gateway;

/// <summary>The audit entries of the business responses.</summary>
public sealed partial class GatewayAudit
{
    /// <summary>
    /// An agency answered a message addressed to it (the business acknowledgement): an ack entry naming who answered and
    /// how, and the notice sealed to the sender when there is one.
    /// </summary>
    public void Responded(IStoreTransaction transaction, string agency, AddressedMessage message, IReadOnlyList<string> personKeys,
        BusinessResponse response, OutgoingMessage? notice, int escalationsClosed)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(response);
        var records = new List<AuditRecord>
        {
            new(AuditEventTypes.Ack, ActorOf(agency))
            {
                Subjects = personKeys,
                Details = Details(
                    ("messageId", message.MessageId),
                    ("submissionId", message.SubmissionId),
                    ("recipient", agency),
                    ("ack", "business-response"),
                    ("response", ResponseOutcomes.Name(response.Outcome)),
                    ("byName", response.By.Name),
                    ("byRole", response.By.Role),
                    ("byProfessionalId", response.By.ProfessionalId),
                    // The reason is clinical free text about the person: it stays with the response, the trail says only that one was given.
                    ("reasonGiven", response.Reason is null ? "no" : "yes"),
                    ("cannotContinue", response.CannotContinue?.Count ?? 0),
                    ("escalationsClosed", escalationsClosed),
                    ("outcome", "success")),
            },
        };
        if (notice is not null)
        {
            records.Add(PackageSealed(message.SubmissionId, personKeys, notice, ("respondsTo", message.MessageId)));
        }

        AppendAll(transaction, records);
    }
}
