namespace ExchangeGateway.Domain;

/// <summary>Every string field of a submission with its path and the kind of text it holds, checked by <see cref="TextRules"/>.</summary>
public static class SubmissionText
{
    /// <summary>One error per field whose text breaks the rules for its kind.</summary>
    public static IEnumerable<ValidationError> Check(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        foreach (var (path, text, kind) in Fields(submission))
        {
            if (text is not null && TextRules.Check(text, kind) is { } reason)
            {
                yield return new ValidationError(path, reason);
            }
        }
    }

    private static IEnumerable<(string Path, string? Text, TextKind Kind)> Fields(Submission s)
    {
        const TextKind line = TextKind.Line;
        yield return ("submissionId", s.SubmissionId, line);
        yield return ("event.from", s.Event.From, line);
        yield return ("event.to", s.Event.To, line);
        yield return ("event.inReplyTo", s.Event.InReplyTo, line);
        if (s.Client is { } replyClient)
        {
            foreach (var field in Person("client", replyClient))
            {
                yield return field;
            }
        }

        if (s.Dir is { } dir)
        {
            yield return ("dir.dirId", dir.DirId, line);
            yield return ("dir.assessment.agency", dir.Assessment.Agency, line);
            foreach (var field in Practitioner("dir.assessment.assessor", dir.Assessment.Assessor))
            {
                yield return field;
            }

            foreach (var field in Person("dir.client", dir.Client))
            {
                yield return field;
            }

            yield return ("dir.custody.establishment", dir.Custody?.Establishment, line);
            yield return ("dir.offence.category", dir.Offence?.Category, line);
            yield return ("dir.releasePlan.cjitArea", dir.ReleasePlan?.CjitArea, line);
            yield return ("dir.releasePlan.communityProvider", dir.ReleasePlan?.CommunityProvider, line);
            foreach (var field in Address("dir.releasePlan.releaseAddress", dir.ReleasePlan?.ReleaseAddress))
            {
                yield return field;
            }

            yield return ("dir.keyworkerNotes", dir.KeyworkerNotes, TextKind.FreeText);
            if (dir.Consent.Override is { } consentOverride)
            {
                yield return ("dir.consent.override.justification", consentOverride.Justification, TextKind.FreeText);
                foreach (var field in Practitioner("dir.consent.override.authorisedBy", consentOverride.AuthorisedBy))
                {
                    yield return field;
                }
            }
        }

        var prescribing = s.Prescribing;
        var prescriptions = prescribing?.Prescriptions ?? [];
        for (var i = 0; i < prescriptions.Count; i++)
        {
            yield return ($"prescribing.prescriptions[{i}].medicationText", prescriptions[i].MedicationText, TextKind.FreeText);
            foreach (var field in Practitioner($"prescribing.prescriptions[{i}].prescriber", prescriptions[i].Prescriber))
            {
                yield return field;
            }
        }

        yield return ("prescribing.lastDose.medication", prescribing?.LastDose?.Medication, line);
        yield return ("prescribing.bridgingPrescription.medication", prescribing?.BridgingPrescription?.Medication, line);
        yield return ("prescribing.bridgingPrescription.pharmacy", prescribing?.BridgingPrescription?.Pharmacy, line);
        yield return ("community.pharmacy", s.Community?.Pharmacy, line);
        foreach (var field in Practitioner("community.prescriber", s.Community?.Prescriber))
        {
            yield return field;
        }

        yield return ("engagement.note", s.Engagement?.Note, TextKind.FreeText);
    }

    private static IEnumerable<(string, string?, TextKind)> Person(string path, Client client)
    {
        yield return ($"{path}.surname", client.Surname, TextKind.Line);
        yield return ($"{path}.forenames", client.Forenames, TextKind.Line);
        yield return ($"{path}.ethnicity", client.Ethnicity, TextKind.Line);
        yield return ($"{path}.nhsNumber", client.NhsNumber, TextKind.Line);
        yield return ($"{path}.prisonNumber", client.PrisonNumber, TextKind.Line);
        yield return ($"{path}.pncId", client.PncId, TextKind.Line);
        yield return ($"{path}.gpPractice", client.GpPractice, TextKind.Line);
        yield return ($"{path}.language", client.Language, TextKind.Line);
        foreach (var field in Address($"{path}.address", client.Address))
        {
            yield return field;
        }
    }

    private static IEnumerable<(string, string?, TextKind)> Practitioner(string path, Practitioner? practitioner)
    {
        yield return ($"{path}.name", practitioner?.Name, TextKind.Line);
        yield return ($"{path}.role", practitioner?.Role, TextKind.Line);
        yield return ($"{path}.professionalId", practitioner?.ProfessionalId, TextKind.Line);
    }

    private static IEnumerable<(string, string?, TextKind)> Address(string path, Address? address)
    {
        var lines = address?.Lines ?? [];
        for (var i = 0; i < lines.Count; i++)
        {
            yield return ($"{path}.lines[{i}]", lines[i], TextKind.Line);
        }

        yield return ($"{path}.town", address?.Town, TextKind.Line);
        yield return ($"{path}.postcode", address?.Postcode, TextKind.Line);
    }
}
