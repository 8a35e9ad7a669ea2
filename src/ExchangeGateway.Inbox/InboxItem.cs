using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Rendering;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Inbox;

/// <summary>Where a message is in the agency's hands.</summary>
public static class InboxStates
{
    public const string New = "new";
    public const string Read = "read";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Replied = "replied";
}

/// <summary>
/// One received message as the list shows it, with its state and the gateway's last answer to an action on it. Worked
/// out from the document once, when it arrives, so the list never opens every document again.
/// </summary>
public sealed record InboxItem(
    string MessageId,
    DateTimeOffset ReceivedAt,
    string Via,
    string State,
    string EventType,
    string Title,
    string? From,
    string? Person,
    string? NhsNumber,
    string? ReleaseDate,
    IReadOnlyList<string> Flags,
    bool IsNotice,
    string? LastAction = null)
{
    /// <summary>The list line of a document just received; a document this product cannot read is still kept and listed.</summary>
    public static InboxItem Of(string messageId, byte[] content, string via, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(content);
        var unreadable = new InboxItem(messageId, receivedAt, via, InboxStates.New, "unknown", "A document this inbox cannot read", null, null, null, null, [], IsNotice: true);
        if (!FhirDocumentJson.TryParse(System.Text.Encoding.UTF8.GetString(content), out var bundle, out _))
        {
            return unreadable;
        }

        var composition = bundle!.Entry.FirstOrDefault()?.Resource as Composition;
        // The short name: the whole warning is in the document's flags box, a click away.
        var flags = bundle.Entry.Select(e => e.Resource).OfType<Flag>()
            .Select(f => f.Code?.Coding.FirstOrDefault()?.Display ?? f.Code?.Coding.FirstOrDefault()?.Code ?? f.Code?.Text ?? "flag").ToList();
        var title = composition?.Title ?? "Document";
        if (GatewayNotices.TypeOf(bundle) is { } noticeType)
        {
            var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().FirstOrDefault();
            var name = patient?.Name.FirstOrDefault();
            var nhs = patient?.Identifier.FirstOrDefault(i => i.System == FhirNames.Systems.NhsNumber)?.Value;
            return unreadable with
            {
                EventType = noticeType, Title = title, Person = name is null ? null : $"{string.Join(' ', name.Given)} {name.Family}".Trim(), NhsNumber = nhs, Flags = flags,
            };
        }

        try
        {
            var submission = SubmissionUnmapper.Unmap(bundle);
            var person = submission.Person();
            return new InboxItem(
                messageId, receivedAt, via, InboxStates.New, submission.Event.Type, title, submission.Event.From,
                person is null ? null : $"{person.Forenames} {person.Surname}", person?.NhsNumber,
                SafetyFlags.ReleaseDate(submission)?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), flags, IsNotice: false);
        }
        catch (UnmapException)
        {
            return unreadable with { Title = title, Flags = flags };
        }
    }
}
