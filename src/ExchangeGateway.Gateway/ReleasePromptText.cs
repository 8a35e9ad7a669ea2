using System.Globalization;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Gateway;

/// <summary>The plain-English text of the prompts to the releasing prison.</summary>
public static class ReleasePromptText
{
    /// <summary>The prompt's text for a release on <paramref name="releaseDate"/>, from the latest <paramref name="record"/>.</summary>
    public static string For(string kind, DateOnly releaseDate, Submission record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var date = releaseDate.ToString("dddd d MMMM yyyy", CultureInfo.InvariantCulture);
        return kind switch
        {
            ReleaseMilestoneKinds.SixWeeksPrompt =>
                $"No release notice has been sent yet for the release expected on {date}. Community services ask to hear 6 weeks before, "
                + "2 days before and on the day: send a release-notice now, so that prescribing, a first appointment and naloxone can be arranged.",
            ReleaseMilestoneKinds.ConfirmPlanPrompt => ReleasePlanGaps.Of(record) is { Count: > 0 } gaps
                ? $"Confirm the release plan for {date}: the latest record lacks {string.Join(", ", gaps)}. Arrange them and send a release-notice with them."
                : $"Plan complete for the release on {date}: the latest record has the bridging prescription and pharmacy where needed, a first appointment, "
                    + "naloxone where needed, a GP practice and accommodation.",
            _ => throw new ArgumentException($"{kind} is not a release prompt", nameof(kind)),
        };
    }
}
