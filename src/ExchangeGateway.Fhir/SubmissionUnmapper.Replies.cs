using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// A community agency's reply back from its document: the person, the prescribing record, and the community record or
// engagement report (see profiles/MAPPING.md).
public static partial class SubmissionUnmapper
{
    private sealed partial class Reader
    {
        private Submission Reply(string submissionId, SubmissionEvent submissionEvent)
        {
            if (submissionEvent.InReplyTo is null)
            {
                throw new UnmapException("Composition.extension(in-reply-to)", "a reply names the message it answers");
            }

            return submissionEvent.Type == EventTypes.ReceptionReply
                ? new Submission(submissionId, submissionEvent, null, PrescribingRecord(), Client(), Community())
                : new Submission(submissionId, submissionEvent, null, null, Client(), Engagement: EngagementReport());
        }

        private CommunityDispensing Community()
        {
            var observation = Observations(Obs.CommunityDispensing).FirstOrDefault()
                ?? throw new UnmapException("Observation(community-dispensing)", "a reception reply carries the community dispensing record");
            var pharmacy = observation.Performer.FirstOrDefault(p => Resolve<Resource>(p, "Observation.performer") is Organization);
            var prescriber = observation.Performer.FirstOrDefault(p => Resolve<Resource>(p, "Observation.performer") is Hl7.Fhir.Model.Practitioner);
            return new CommunityDispensing(
                (ComponentValue(observation, Obs.LastDispensedOn) as FhirDateTime)?.Value
                    ?? throw new UnmapException("Observation(community-dispensing).component(last-dispensed-on)", "missing"),
                ComponentFlag(observation, Obs.DispensingSupervised)
                    ?? throw new UnmapException("Observation(community-dispensing).component(dispensing-supervised)", "missing"),
                (ComponentValue(observation, Obs.DispensingSuspendedFrom) as FhirDateTime)?.Value,
                pharmacy is null ? null : AgencyId(pharmacy),
                prescriber is null ? null : Person(prescriber));
        }

        private EngagementReport EngagementReport()
        {
            var observation = Observations(Obs.EngagementOutcome).FirstOrDefault()
                ?? throw new UnmapException("Observation(engagement-outcome)", "an engagement report carries its outcome");
            return new EngagementReport(
                CodeOf(observation.Value, Cs.EngagementOutcome) ?? throw new UnmapException("Observation(engagement-outcome).value", "missing"),
                (observation.Effective as FhirDateTime)?.Value ?? throw new UnmapException("Observation(engagement-outcome).effective", "missing"),
                (ComponentValue(observation, Obs.NextAppointment) as FhirDateTime)?.Value,
                observation.Note.FirstOrDefault()?.Text);
        }
    }
}
