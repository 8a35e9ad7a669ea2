using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>The rules of a submission that a JSON Schema cannot say.</summary>
public static class SubmissionRules
{
    private static readonly HashSet<string> Placeholders = new(StringComparer.OrdinalIgnoreCase)
    {
        "n/a", "na", "none", "test", "testing", "tbc", "todo", "unknown", "see notes", "as above", "override",
    };

    /// <summary>The ONS 2011 ethnic categories the contract allows (profiles/CodeSystem-ethnic-category.json): letters A to S without I, O and Q, and Z.</summary>
    public static IReadOnlySet<string> EthnicCategories { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z",
    };

    /// <summary>The oldest a living person is taken to be; an older date of birth is a typing error.</summary>
    public const int MaxAgeYears = 120;

    /// <summary>Every rule broken by a structurally valid submission; empty when it may be accepted.</summary>
    /// <param name="submission">The submission, already checked against the contract's schema.</param>
    /// <param name="today">Today's date where the caller has a clock; a date of birth after it is refused.</param>
    public static IReadOnlyList<ValidationError> Check(Submission submission, DateOnly? today = null)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var errors = new List<ValidationError>(SubmissionText.Check(submission));

        // The schema makes a prison's event carry dir.client and a reply carry client; without either there is no person to check.
        if (submission.Person() is { } client)
        {
            CheckPerson(client, submission.Dir is null ? "client" : "dir.client", submission.Event.OccurredAt, today, errors);
        }

        if (submission.Event.Type == EventTypes.Transfer && string.IsNullOrWhiteSpace(submission.Event.To))
        {
            errors.Add(new("event.to", "a transfer must name the receiving prison"));
        }

        if (submission.Event.Type is EventTypes.Transfer or EventTypes.Release
            && IsOnOst(submission.Prescribing)
            && submission.Prescribing?.LastDose is null)
        {
            errors.Add(new(
                "prescribing.lastDose",
                $"the person is on opioid substitution therapy, so a {submission.Event.Type} must give the last dose (medication, dose and date-time)"));
        }

        ReplyRules.Check(submission, errors);
        if (submission.Dir is not { } dir)
        {
            return errors;
        }

        if (dir.Consent.Override is { } over && !IsRealJustification(over.Justification))
        {
            errors.Add(new(
                "dir.consent.override.justification",
                "an override needs a real justification: at least three words saying why, not a placeholder"));
        }

        if (dir.Consent.Override is { } o && string.IsNullOrWhiteSpace(o.AuthorisedBy.Name))
        {
            errors.Add(new("dir.consent.override.authorisedBy.name", "an override must name the person who authorised it"));
        }

        var ranks = dir.Substances.Select(s => s.Rank).ToList();
        for (var i = 0; i < ranks.Count; i++)
        {
            if (ranks.IndexOf(ranks[i]) != i)
            {
                errors.Add(new($"dir.substances[{i}].rank", $"rank {ranks[i]} is given to more than one substance"));
            }
        }

        return errors;
    }

    private static void CheckPerson(Client client, string path, string occurredAt, DateOnly? today, List<ValidationError> errors)
    {
        if (client.NhsNumber is { } nhs && NhsNumber.IsPlaceholder(nhs))
        {
            errors.Add(new($"{path}.nhsNumber", "is one digit repeated, a placeholder rather than a real NHS number"));
        }
        else if (client.NhsNumber is { } number && !NhsNumber.IsValid(number))
        {
            errors.Add(new($"{path}.nhsNumber", "the NHS number's modulus-11 check digit is wrong"));
        }

        if (client.NhsNumberStatus is not null && client.NhsNumber is null)
        {
            // The status is carried on the NHS number's identifier (UK Core), so without a number it has nowhere to go.
            errors.Add(new($"{path}.nhsNumberStatus", $"says how the NHS number was verified, so it needs {path}.nhsNumber"));
        }

        if (DateOfBirthProblem(client.DateOfBirth, occurredAt, today) is { } problem)
        {
            errors.Add(new($"{path}.dateOfBirth", problem));
        }

        // The schema only says "a string"; the mapper can code nothing else, so an unknown one is refused here, not thrown there.
        if (client.Ethnicity is { } ethnicity && !EthnicCategories.Contains(ethnicity))
        {
            errors.Add(new($"{path}.ethnicity", "is not an ONS 2011 ethnic category code (A to S, or Z)"));
        }

        if (client.NhsNumber is null && client.PrisonNumber is null)
        {
            errors.Add(new(path, "the person needs an NHS number or a prison number"));
        }
    }

    /// <summary>On OST now: said so, or an active (or reducing) methadone or buprenorphine prescription.</summary>
    public static bool IsOnOst(Prescribing? prescribing) =>
        prescribing is not null
        && (prescribing.OnOst == true
            || (prescribing.Prescriptions ?? []).Any(p => OstMedications.Contains(p.Medication) && p.Status is null or "active" or "reducing"));

    private static string? DateOfBirthProblem(string dateOfBirth, string occurredAt, DateOnly? today)
    {
        if (!DateOnly.TryParseExact(dateOfBirth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born)
            || !DateTimeOffset.TryParse(occurredAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return null; // the schema has already named a malformed date
        }

        var eventDate = DateOnly.FromDateTime(at.DateTime);
        if (today is { } now && born > now)
        {
            return $"{dateOfBirth} is in the future";
        }

        if (born > eventDate)
        {
            return $"{dateOfBirth} is after the event ({eventDate:yyyy-MM-dd})";
        }

        return born < eventDate.AddYears(-MaxAgeYears)
            ? $"{dateOfBirth} is more than {MaxAgeYears} years before the event ({eventDate:yyyy-MM-dd})"
            : null;
    }

    private static bool IsRealJustification(string text)
    {
        var trimmed = text.Trim();
        if (Placeholders.Contains(trimmed))
        {
            return false;
        }

        var words = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Any(char.IsLetter))
            .ToList();
        return words.Count >= 3 && words.Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 3;
    }
}
