namespace ExchangeGateway.Domain;

/// <summary>Which cut of a record a recipient type sees: types with the same view get the same copy.</summary>
public enum RecordView
{
    /// <summary>Everything (a prison).</summary>
    Whole,

    /// <summary>The CJIT's cut: no BBV, mental-health need, keyworker notes, bridging or naloxone.</summary>
    Cjit,

    /// <summary>Community treatment and GP: everything but offence and keyworker notes.</summary>
    Clinical,
}

/// <summary>The copy of a submission each recipient type may see (the spec's "What each recipient may see" table).</summary>
public static class RecordMinimiser
{
    /// <summary>
    /// prison: everything. cjit: no BBV, mental-health need, keyworker notes, bridging or naloxone; prescriptions keep
    /// medication and dose, the last dose its medication, dose and date. community-treatment and gp: everything but
    /// offence and keyworker notes.
    /// </summary>
    public static Submission For(Submission s, string recipientType) => For(s, ViewOf(recipientType));

    /// <summary>The view a recipient type gets; two types with one view may share one mapped document.</summary>
    public static RecordView ViewOf(string recipientType) => recipientType switch
    {
        AgencyTypes.Prison => RecordView.Whole,
        AgencyTypes.Cjit => RecordView.Cjit,
        AgencyTypes.CommunityTreatment or AgencyTypes.Gp => RecordView.Clinical,
        _ => throw new ArgumentOutOfRangeException(nameof(recipientType), recipientType, "not a recipient type of the contract"),
    };

    /// <summary>The copy of <paramref name="s"/> for <paramref name="view"/>.</summary>
    public static Submission For(Submission s, RecordView view)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Dir is not { } dir)
        {
            // A reply (no DIR) goes only to agencies that hold the person's record already; it is not cut down.
            return s;
        }

        return view switch
        {
            RecordView.Whole => s,
            RecordView.Cjit => s with
            {
                Dir = dir with { Risks = CjitRisks(dir.Risks), KeyworkerNotes = null },
                Prescribing = CjitPrescribing(s.Prescribing),
            },
            RecordView.Clinical => s with { Dir = dir with { Offence = null, KeyworkerNotes = null } },
            _ => throw new ArgumentOutOfRangeException(nameof(view), view, "not a record view"),
        };
    }

    private static Risks? CjitRisks(Risks? risks)
    {
        if (risks is null)
        {
            return null;
        }

        var kept = new Risks(risks.OverdoseRisk, risks.ReducedTolerance, risks.SelfHarm);

        // Nothing left to say is no risks object, rather than an empty one that reads as "assessed, nothing found".
        return kept == new Risks() ? null : kept;
    }

    private static Prescribing? CjitPrescribing(Prescribing? prescribing)
    {
        if (prescribing is null)
        {
            return null;
        }

        var kept = new Prescribing(
            prescribing.OnOst,
            prescribing.Prescriptions?.Select(p => new Prescription(p.Medication, p.MedicationText, p.Dose, null, null, null, null, null, null)).ToList(),
            prescribing.LastDose is { } last ? new LastDose(last.Medication, last.Dose, DateOf(last.AdministeredAt)) : null);

        // As with risks: an empty prescribing record would map to a "nil known" medications section, which is not true.
        return kept.OnOst is null && kept.Prescriptions is not { Count: > 0 } && kept.LastDose is null ? null : kept;
    }

    // The contract's date-times start with the calendar date (yyyy-mm-dd), so the date is the first ten characters.
    private static string DateOf(string dateTime) => dateTime.Length > 10 ? dateTime[..10] : dateTime;
}
