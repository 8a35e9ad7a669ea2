namespace ExchangeGateway.Domain;

/// <summary>What a record's release plan lacks, for the confirm-the-plan prompt: plain names a prison healthcare team acts on.</summary>
public static class ReleasePlanGaps
{
    /// <summary>The gaps, in the order the prompt lists them; empty when the plan is complete.</summary>
    public static IReadOnlyList<string> Of(Submission record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var dir = record.Dir ?? throw new ArgumentException("a release plan is read from a record with its DIR", nameof(record));
        var prescribing = record.Prescribing;
        var plan = dir.ReleasePlan;
        var gaps = new List<string>();
        var bridging = prescribing?.BridgingPrescription;
        if (SubmissionRules.IsOnOst(prescribing) && bridging is null)
        {
            gaps.Add("bridging prescription");
        }

        if (bridging is not null && string.IsNullOrEmpty(bridging.Pharmacy))
        {
            gaps.Add("pharmacy for the bridging prescription");
        }

        if (string.IsNullOrEmpty(plan?.FirstAppointment))
        {
            gaps.Add("first appointment");
        }

        if (SafetyFlags.UsesOpioids(record) && prescribing?.Naloxone?.Issued != true)
        {
            gaps.Add("naloxone");
        }

        if (string.IsNullOrEmpty(dir.Client.GpPractice))
        {
            gaps.Add("a GP practice");
        }

        if (string.IsNullOrEmpty(plan?.Accommodation) || plan.Accommodation == "no-fixed-abode")
        {
            gaps.Add("accommodation");
        }

        return gaps;
    }
}
