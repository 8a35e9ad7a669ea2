namespace ExchangeGateway.Domain;

/// <summary>
/// When an unplanned release also raises a separate alert to the CJIT: the person is on opioid substitution therapy and
/// leaves with no bridging prescription, so a dose may be missed from the day of release.
/// </summary>
/// <remarks>
/// Only the bridging prescription is looked at, not a same-day appointment as for <see cref="SafetyFlags.OstWithoutBridging"/>:
/// nobody had notice of an unplanned release, so an appointment it carries was booked for another day or in haste.
/// </remarks>
public static class UnplannedReleaseAlert
{
    /// <summary>The alert's Flag code in the safety-flag CodeSystem (not one of <see cref="SafetyFlags.Codes"/>: a submission's own document never carries it).</summary>
    public const string FlagCode = "unplanned-release-without-bridging";

    /// <summary>True when <paramref name="submission"/> is an unplanned release of a person on OST with no bridging prescription.</summary>
    public static bool IsRaisedBy(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return SafetyFlags.IsUnplannedRelease(submission)
            && SubmissionRules.IsOnOst(submission.Prescribing)
            && submission.Prescribing?.BridgingPrescription is null;
    }

    /// <summary>The alert's plain-English text: what happened and what to do, naming only the releasing agency, never the person.</summary>
    public static string Text(Submission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return $"Unplanned release (such as a release from court) notified by {submission.Event.From} of a person on opioid substitution therapy "
            + "with no bridging prescription: a missed dose after release raises the risk of overdose and relapse. Contact the person and "
            + "a community prescriber today so that prescribing continues without a gap, and make sure naloxone is offered.";
    }
}
