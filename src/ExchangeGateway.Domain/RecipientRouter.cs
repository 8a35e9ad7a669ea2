namespace ExchangeGateway.Domain;

/// <summary>A recipient of a submission: the agency, and the JSON path of the field that named it.</summary>
public sealed record Recipient(Agency Agency, string Path);

/// <summary>The recipients of a submission, or why it cannot be routed.</summary>
public sealed record RoutingResult(IReadOnlyList<Recipient> Recipients, IReadOnlyList<ValidationError> Errors);

/// <summary>Decides who receives a submission, from its event type and the agencies it names.</summary>
public static class RecipientRouter
{
    /// <summary>
    /// transfer: <c>event.to</c>. release and release-notice: the release plan's CJIT and community provider and the
    /// client's GP. reception: the GP and CJIT named, else those known for the person from earlier submissions.
    /// Every named agency must be in the directory and of the type the field calls for.
    /// </summary>
    public static RoutingResult Route(Submission submission, AgencyDirectory directory, KnownAgencies? known)
    {
        ArgumentNullException.ThrowIfNull(submission);
        ArgumentNullException.ThrowIfNull(directory);
        var named = new List<(string? Id, string Path, string Type)>();
        var plan = submission.Dir.ReleasePlan;
        var client = submission.Dir.Client;
        switch (submission.Event.Type)
        {
            case EventTypes.Transfer:
                named.Add((submission.Event.To, "event.to", AgencyTypes.Prison));
                break;
            case EventTypes.Release or EventTypes.ReleaseNotice:
                named.Add((plan?.CjitArea, "dir.releasePlan.cjitArea", AgencyTypes.Cjit));
                named.Add((plan?.CommunityProvider, "dir.releasePlan.communityProvider", AgencyTypes.CommunityTreatment));
                named.Add((client.GpPractice, "dir.client.gpPractice", AgencyTypes.Gp));
                break;
            case EventTypes.Reception:
                named.Add(client.GpPractice is not null ? (client.GpPractice, "dir.client.gpPractice", AgencyTypes.Gp) : (known?.GpPractice, "known.gpPractice", AgencyTypes.Gp));
                named.Add(plan?.CjitArea is not null ? (plan.CjitArea, "dir.releasePlan.cjitArea", AgencyTypes.Cjit) : (known?.CjitArea, "known.cjitArea", AgencyTypes.Cjit));
                break;
            default:
                return new RoutingResult([], [new ValidationError("event.type", $"'{submission.Event.Type}' is not an event the gateway routes")]);
        }

        var recipients = new List<Recipient>();
        var errors = new List<ValidationError>();
        foreach (var (id, path, type) in named)
        {
            if (string.IsNullOrEmpty(id))
            {
                continue;
            }

            var agency = directory.Find(id);
            if (agency is null)
            {
                errors.Add(new ValidationError(path, $"agency {id} is not in the agency directory"));
            }
            else if (agency.Type != type)
            {
                errors.Add(new ValidationError(path, $"agency {id} is a {agency.Type}, but this field names a {type}"));
            }
            else if (agency.Id == submission.Event.From)
            {
                errors.Add(new ValidationError(path, $"agency {id} is the sender; a submission is not sent back to its sender"));
            }
            else if (recipients.All(r => r.Agency.Id != agency.Id))
            {
                recipients.Add(new Recipient(agency, path));
            }
        }

        if (errors.Count == 0 && recipients.Count == 0)
        {
            var looked = string.Join(", ", named.Select(n => n.Path));
            errors.Add(new ValidationError("event.type", $"a {submission.Event.Type} names no recipient (looked at {looked})"));
        }

        return new RoutingResult(errors.Count == 0 ? recipients : [], errors);
    }
}
