using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

// The clinical-safety flags of a document: derived from the submission by SafetyFlags, so SubmissionUnmapper
// reads no Flag back and map→unmap still gives the input.
public sealed partial class ReleaseSummaryMapper
{
    private sealed partial class Build
    {
        private List<ResourceReference> SafetyFlagEntries() =>
            flags.Select(flag => Add($"Flag/{flag.Code}", SafetyFlagResource(flag))).ToList();

        private Flag SafetyFlagResource(SafetyFlag flag)
        {
            var code = Coded(Cs.SafetyFlag, flag.Code);
            code.Text = flag.Text;
            return new Flag
            {
                Status = Flag.FlagStatus.Active,
                Category = [new CodeableConcept { Coding = [new Coding(External.FlagCategory, "safety", "Safety")] }],
                Code = code,
                Subject = PatientReference(),
            };
        }
    }
}
