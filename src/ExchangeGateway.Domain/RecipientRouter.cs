namespace ExchangeGateway.Domain;

/// <summary>An agency that receives a submission, with the JSON path of the field that named it.</summary>
public sealed record Recipient(Agency Agency, string Path);

/// <summary>The recipients of a submission, or the errors that stop it being routed.</summary>
public sealed record RoutingResult(IReadOnlyList<Recipient> Recipients, IReadOnlyList<ValidationError> Errors)
{
    /// <summary>True when there is at least one recipient and no error.</summary>
    public bool IsRouted => Recipients.Count > 0 && Errors.Count == 0;
}

/// <summary>Picks the agencies a submission goes to, by event type (the spec's "Events" table).</summary>
public static class RecipientRouter
{
    /// <summary>
    /// The recipients named by the fields that fit the event, each checked against the directory and the field's agency type.
    /// The sender never receives its own submission; an agency named twice receives it once.
    /// </summary>
    public static RoutingResult Route(Submission s, AgencyDirectory directory, KnownAgencies? known)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(directory);

        var plan = s.Dir?.ReleasePlan;
        var gp = s.Dir?.Client.GpPractice;
        IReadOnlyList<Named> fields = s.Event.Type switch
        {
            EventTypes.Transfer => [new("event.to", s.Event.To, AgencyTypes.Prison)],
            EventTypes.Release or EventTypes.ReleaseNotice =>
            [
                new("dir.releasePlan.cjitArea", plan?.CjitArea, AgencyTypes.Cjit),
                new("dir.releasePlan.communityProvider", plan?.CommunityProvider, AgencyTypes.CommunityTreatment),
                new("dir.client.gpPractice", gp, AgencyTypes.Gp),
            ],
            // On reception the submission itself may not name them, so fall back on what earlier submissions said.
            EventTypes.Reception =>
            [
                gp is null && known?.GpPractice is not null
                    ? new("known.gpPractice", known.GpPractice, AgencyTypes.Gp)
                    : new("dir.client.gpPractice", gp, AgencyTypes.Gp),
                plan?.CjitArea is null && known?.CjitArea is not null
                    ? new("known.cjitArea", known.CjitArea, AgencyTypes.Cjit)
                    : new("dir.releasePlan.cjitArea", plan?.CjitArea, AgencyTypes.Cjit),

                // The community prescriber must stop dispensing and send its record: the reception asks it to.
                plan?.CommunityProvider is null && known?.CommunityProvider is not null
                    ? new("known.communityProvider", known.CommunityProvider, AgencyTypes.CommunityTreatment)
                    : new("dir.releasePlan.communityProvider", plan?.CommunityProvider, AgencyTypes.CommunityTreatment),
            ],
            _ => throw new ArgumentException($"'{s.Event.Type}' is not an event type of the contract", nameof(s)),
        };

        var recipients = new List<Recipient>();
        var errors = new List<ValidationError>();
        var namedSender = false;
        foreach (var field in fields)
        {
            if (string.IsNullOrEmpty(field.Id))
            {
                continue;
            }

            if (directory.Find(field.Id) is not { } agency)
            {
                errors.Add(new(field.Path, $"agency {field.Id} is not in the agency directory"));
            }
            else if (agency.Type != field.Type)
            {
                errors.Add(new(field.Path, $"agency {agency.Id} is {Article(agency.Type)}, but this field must name {Article(field.Type)}"));
            }
            else if (agency.Id == s.Event.From)
            {
                namedSender = true;
            }
            else if (!recipients.Any(r => r.Agency.Id == agency.Id))
            {
                recipients.Add(new Recipient(agency, field.Path));
            }
        }

        if (recipients.Count == 0)
        {
            var looked = s.Event.Type == EventTypes.Reception
                ? "dir.client.gpPractice, known.gpPractice, dir.releasePlan.cjitArea, known.cjitArea, dir.releasePlan.communityProvider, known.communityProvider"
                : string.Join(", ", fields.Select(f => f.Path));
            var reason = $"a {s.Event.Type} needs at least one recipient, and none was found (looked at {looked})";
            errors.Add(new("event.type", namedSender ? reason + "; the sender does not receive its own submission" : reason));
        }

        return new RoutingResult(recipients, errors);
    }

    private static string Article(string agencyType) => agencyType switch
    {
        AgencyTypes.Prison => "a prison",
        AgencyTypes.Cjit => "a CJIT",
        AgencyTypes.CommunityTreatment => "a community treatment provider",
        AgencyTypes.Gp => "a GP practice",
        AgencyTypes.Operator => "an operator",
        _ => $"a {agencyType}",
    };

    private sealed record Named(string Path, string? Id, string Type);
}
