using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir.Tests;

public class SecurityLabelTests
{
    private static readonly ReleaseSummaryMapper Mapper = new(ProfileSet.Embedded);

    public static TheoryData<string, string> ExamplesAndRecipients
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var example in Examples.All)
            {
                foreach (var type in new[] { AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp })
                {
                    data.Add(example, type);
                }
            }

            return data;
        }
    }

    private static Submission Read(string example)
    {
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(Examples.Text(example)));
        Assert.Empty(result.Errors);
        return result.Submission!;
    }

    private static void AssertLabelledRestrictedSubstanceAbuseNoRedisclosure(Bundle bundle)
    {
        var labels = (bundle.Meta?.Security ?? []).Select(c => (c.System, c.Code)).ToList();
        Assert.Contains(("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"), labels);
        Assert.Contains(("http://terminology.hl7.org/CodeSystem/v3-ActCode", "ETH"), labels);
        Assert.Contains(("http://terminology.hl7.org/CodeSystem/v3-ActCode", "NORDSCLCD"), labels);
        Assert.Equal(Composition.V3ConfidentialityClassification.R, Assert.IsType<Composition>(bundle.Entry[0].Resource).Confidentiality);
    }

    [Theory]
    [MemberData(nameof(ExamplesAndRecipients))]
    public void Every_copy_is_labelled_restricted_substance_abuse_and_no_redisclosure(string example, string recipientType) =>
        AssertLabelledRestrictedSubstanceAbuseNoRedisclosure(Mapper.Map(RecordMinimiser.For(Read(example), recipientType)));

    [Fact]
    public void The_overdue_release_alert_is_labelled_like_every_other_document() =>
        AssertLabelledRestrictedSubstanceAbuseNoRedisclosure(new OverdueReleaseAlertMapper(ProfileSet.Embedded)
            .Map(RecordMinimiser.For(Read(Examples.ReleaseOst), AgencyTypes.Cjit), new DateOnly(2026, 3, 13), new DateTimeOffset(2026, 3, 13, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void The_CJIT_copy_keeps_its_redacted_and_abstracted_labels_beside_the_document_labels()
    {
        var bundle = Mapper.Map(RecordMinimiser.For(Read(Examples.ReleaseOst), AgencyTypes.Cjit));
        var resources = bundle.Entry.Select(e => e.Resource).ToList();

        Assert.Contains(resources.OfType<MedicationRequest>().Single().Meta!.Security, c => c.Code == "REDACTED");
        Assert.Contains(resources.OfType<MedicationAdministration>().Single().Meta!.Security, c => c.Code == "ABSTRED");
        AssertLabelledRestrictedSubstanceAbuseNoRedisclosure(bundle);
    }

    [Fact]
    public void Two_documents_never_share_their_label_elements()
    {
        var first = Mapper.Map(Read(Examples.Transfer));
        first.Meta!.Security.Clear();

        AssertLabelledRestrictedSubstanceAbuseNoRedisclosure(Mapper.Map(Read(Examples.Transfer)));
    }
}
