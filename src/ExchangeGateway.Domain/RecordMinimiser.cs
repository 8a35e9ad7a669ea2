namespace ExchangeGateway.Domain;

/// <summary>
/// Cuts a record down to what one recipient type may see (the spec's data-minimisation table): prisons see
/// everything; a CJIT sees no BBV status, no mental-health need, no keyworker notes, and only a prescribing summary
/// (medication, dose, status, and the date of the last dose); community treatment and GPs see no offence and no
/// keyworker notes.
/// </summary>
public static class RecordMinimiser
{
    /// <summary>The record as <paramref name="recipientType"/> may receive it.</summary>
    public static Submission For(Submission submission, string recipientType)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return recipientType switch
        {
            AgencyTypes.Prison => submission,
            AgencyTypes.Cjit => submission with
            {
                Dir = submission.Dir with
                {
                    Risks = submission.Dir.Risks is { } risks ? OverdoseAndSelfHarmOnly(risks) : null,
                    KeyworkerNotes = null,
                },
                Prescribing = submission.Prescribing is { } prescribing ? Summary(prescribing) : null,
            },
            AgencyTypes.CommunityTreatment or AgencyTypes.Gp => submission with
            {
                Dir = submission.Dir with { Offence = null, KeyworkerNotes = null },
            },
            _ => throw new ArgumentException($"unknown recipient type {recipientType}", nameof(recipientType)),
        };
    }

    private static Risks? OverdoseAndSelfHarmOnly(Risks risks)
    {
        var kept = new Risks(risks.OverdoseRisk, risks.ReducedTolerance, risks.SelfHarm);
        return kept == new Risks() ? null : kept;
    }

    private static Prescribing Summary(Prescribing prescribing) => new(
        prescribing.OnOst,
        prescribing.Prescriptions?.Select(p => new Prescription(p.Medication, p.MedicationText, p.Dose, null, null, null, null, p.Status, null)).ToList(),
        prescribing.LastDose is { } last ? new LastDose(last.Medication, last.Dose, DateOf(last.AdministeredAt)) : null);

    // The date part of an ISO 8601 date-time, as the sender wrote it (the local date where the dose was given).
    private static string DateOf(string dateTime) => dateTime.Length >= 10 ? dateTime[..10] : dateTime;
}
