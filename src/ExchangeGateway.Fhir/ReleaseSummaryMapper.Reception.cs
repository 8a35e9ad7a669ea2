using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// A reception record also asks the community services something: stop dispensing, and send back the community prescribing
// record. The ask is a ServiceRequest in its own section, so it reads the same in every recipient's copy.
public sealed partial class ReleaseSummaryMapper
{
    /// <summary>The code of the section a reception record's request to the community services sits in.</summary>
    public const string ReceptionRequestSection = "reception-request";

    private sealed partial class Build
    {
        private List<ResourceReference> ReceptionRequest()
        {
            if (s.Event.Type != EventTypes.Reception)
            {
                return [];
            }

            var request = new ServiceRequest
            {
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Code = Coded(Cs.ServiceRequestCode, "reception-reply-request"),
                Subject = PatientReference(),
                AuthoredOnElement = new FhirDateTime(s.Event.OccurredAt),
                Requester = Agency(AgencyTypes.Prison, s.Event.From),
            };
            return [Add("ServiceRequest/reception-reply-request", request)];
        }
    }
}
