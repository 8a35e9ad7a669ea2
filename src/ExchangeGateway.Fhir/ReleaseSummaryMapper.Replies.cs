using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// A community agency's reply (reception-reply, engagement): no DIR, so no DIR identifier, assessment or consent; the
// person as the reply names them, the message it answers, and the record it carries (see profiles/MAPPING.md).
public sealed partial class ReleaseSummaryMapper
{
    private sealed partial class Build
    {
        // The submission does not say what type of agency sent it (the gateway knows from the certificate), so the author is typed "agency".
        private const string ReplyAuthorType = "agency";

        private ResourceReference AddReplyParts(Composition composition)
        {
            var author = Agency(ReplyAuthorType, s.Event.From);
            composition.Author = [author];
            var inReplyTo = s.Event.InReplyTo ?? throw new InvalidOperationException("a reply names the message it answers");
            composition.Extension.Add(new Extension(StructureDefinition(Ext.InReplyTo), new Identifier(Systems.Message, inReplyTo)));
            if (s.Event.Type == EventTypes.ReceptionReply)
            {
                AddSection(composition, "medications", Medications(), keepEmpty: true);
                AddSection(composition, "community-dispensing", s.Community is { } community ? [CommunityDispensing(community)] : []);
            }
            else
            {
                AddSection(composition, "engagement", s.Engagement is { } engagement ? [EngagementOutcome(engagement)] : []);
            }

            return new ResourceReference(author.Reference);
        }

        // Prescriber and pharmacy are the performers: who prescribed and who dispensed, told apart by resource type.
        private ResourceReference CommunityDispensing(CommunityDispensing community)
        {
            var observation = Observation(Obs.CommunityDispensing, "therapy");
            observation.Component.Add(Component(Obs.LastDispensedOn, new FhirDateTime(community.LastDispensedOn)));
            observation.Component.Add(Component(Obs.DispensingSupervised, new FhirBoolean(community.Supervised)));
            if (community.DispensingSuspendedFrom is { } suspended)
            {
                observation.Component.Add(Component(Obs.DispensingSuspendedFrom, new FhirDateTime(suspended)));
            }

            if (community.Prescriber is { } prescriber)
            {
                observation.Performer.Add(Person(prescriber));
            }

            if (community.Pharmacy is { } pharmacy)
            {
                observation.Performer.Add(Agency("pharmacy", pharmacy));
            }

            return Add("Observation/community-dispensing", observation);
        }

        private ResourceReference EngagementOutcome(EngagementReport engagement)
        {
            var observation = Observation(Obs.EngagementOutcome, "therapy");
            observation.Value = Coded(Cs.EngagementOutcome, engagement.Outcome);
            observation.Effective = new FhirDateTime(engagement.Date);
            if (engagement.NextAppointment is { } next)
            {
                observation.Component.Add(Component(Obs.NextAppointment, new FhirDateTime(next)));
            }

            if (engagement.Note is { } note)
            {
                observation.Note.Add(new Annotation { Text = note });
            }

            return Add("Observation/engagement", observation);
        }
    }
}
