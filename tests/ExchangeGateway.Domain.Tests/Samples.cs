using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

/// <summary>Submissions and an agency directory built in code, shaped like the spec's release example.</summary>
internal static class Samples
{
    public static AgencyDirectory Directory { get; } = new(
    [
        new Agency("HLI", AgencyTypes.Prison, "HMP Hull"),
        new Agency("BMI", AgencyTypes.Prison, "HMP Birmingham"),
        new Agency("SFI", AgencyTypes.Prison, "HMP Stafford", "https://sfi.example/inbox"),
        new Agency("CJIT-LEEDS", AgencyTypes.Cjit, "Leeds CJIT"),
        new Agency("CJIT-HULL", AgencyTypes.Cjit, "Hull CJIT"),
        new Agency("CTP-FWDLEEDS", AgencyTypes.CommunityTreatment, "Forward Leeds"),
        new Agency("B86030", AgencyTypes.Gp, "Leeds practice"),
        new Agency("B82005", AgencyTypes.Gp, "Hull practice"),
    ]);

    public static Submission Release(string type = EventTypes.Release) => new(
        "6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81",
        new SubmissionEvent(type, "2026-03-13T09:30:00+00:00", "HLI", PlannedRelease: true),
        new Dir(
            "DIR-HLI-2026-000417",
            new Assessment("2026-03-06", "custody-release", new Practitioner("Sam Okafor", "CARAT worker"), "HLI"),
            new Client("Example", "Jordan Lee", "1988-07-21", "male", "A", "9434765919", "A1234BC", "88/123456X", GpPractice: "B86030"),
            new Custody("HLI", "2025-11-02", "sentenced", "2026-03-13"),
            [new SubstanceUse(1, "heroin", "smoke", "daily", 19)],
            new Injecting("previous", false),
            [new TreatmentEpisode("maintenance-prescribing", "2025-11-02", Outcome: "ongoing")],
            new Risks("high", true, false, true, new BloodBorneVirusStatus("positive", "vaccinated", "negative", "2025-11-10")),
            new Offence("acquisitive", true),
            new ReleasePlan("2026-03-13", Accommodation: "approved-premises", CjitArea: "CJIT-LEEDS", CommunityProvider: "CTP-FWDLEEDS", ReferredToCommunityTreatment: true),
            "Engaged well with psychosocial group.",
            new Consent("2026-03-06T11:00:00+00:00", [AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp])),
        new Prescribing(
            true,
            [new Prescription("methadone-oral-solution-1mg-ml", "Methadone 1mg/ml", new Dose(60, "mg"), "daily", true, "2025-11-02", null, "active", new Practitioner("Dr A Patel", "prison GP", "GMC 7012345"))],
            new LastDose("methadone-oral-solution-1mg-ml", new Dose(60, "mg"), "2026-03-13T08:05:00+00:00", true),
            new BridgingPrescription("methadone-oral-solution-1mg-ml", new Dose(60, "mg"), 3, "FQ123"),
            new Naloxone(true, "2026-03-12", "intranasal", true)));

    public static Submission Transfer(string? to = "SFI", string from = "BMI")
    {
        var release = Release();
        return release with { Event = new SubmissionEvent(EventTypes.Transfer, "2026-02-04T07:15:00+00:00", from, to) };
    }

    /// <summary>A reception: the person arrives in custody; the DIR may not know their GP or CJIT yet.</summary>
    public static Submission Reception(string? gp = null, string? cjit = null)
    {
        var release = Release(EventTypes.Reception);
        return release with
        {
            Event = release.Event with { From = "HLI", PlannedRelease = null },
            Dir = release.Dir! with
            {
                Client = release.Dir!.Client with { GpPractice = gp },
                ReleasePlan = cjit is null ? null : new ReleasePlan(CjitArea: cjit),
            },
        };
    }

    public static Submission WithConsent(Consent consent)
    {
        var release = Release();
        return release with { Dir = release.Dir! with { Consent = consent } };
    }
}
