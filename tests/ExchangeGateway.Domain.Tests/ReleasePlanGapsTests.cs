using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public sealed class ReleasePlanGapsTests
{
    [Fact]
    public void A_complete_plan_has_no_gaps()
    {
        Assert.Empty(ReleasePlanGaps.Of(Complete()));
    }

    [Fact]
    public void Each_missing_part_of_the_plan_is_named_in_order()
    {
        var record = Complete();
        record = record with
        {
            Prescribing = record.Prescribing! with { BridgingPrescription = null, Naloxone = null },
            Dir = record.Dir! with { Client = record.Dir.Client with { GpPractice = null }, ReleasePlan = record.Dir.ReleasePlan! with { FirstAppointment = null, Accommodation = "no-fixed-abode" } },
        };

        Assert.Equal(["bridging prescription", "first appointment", "naloxone", "a GP practice", "accommodation"], ReleasePlanGaps.Of(record));
    }

    [Fact]
    public void A_bridging_prescription_without_a_pharmacy_names_the_pharmacy()
    {
        var record = Complete();
        record = record with { Prescribing = record.Prescribing! with { BridgingPrescription = record.Prescribing.BridgingPrescription! with { Pharmacy = null } } };

        Assert.Equal(["pharmacy for the bridging prescription"], ReleasePlanGaps.Of(record));
    }

    private static Submission Complete()
    {
        var release = Samples.Release();
        var prescribing = release.Prescribing ?? new Prescribing();
        return release with
        {
            Prescribing = prescribing with
            {
                BridgingPrescription = new BridgingPrescription("methadone-oral-solution-1mg-ml", new Dose(30, "mg"), 7, "FQ123"),
                Naloxone = new Naloxone(true),
            },
            Dir = release.Dir! with
            {
                Client = release.Dir.Client with { GpPractice = "B86030" },
                ReleasePlan = (release.Dir.ReleasePlan ?? new ReleasePlan()) with { FirstAppointment = "2026-12-28T14:00:00+00:00", Accommodation = "approved-premises" },
            },
        };
    }
}
