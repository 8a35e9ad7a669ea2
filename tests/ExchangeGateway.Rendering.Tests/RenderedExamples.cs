using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering.Tests;

/// <summary>The examples read, mapped and rendered the way 'exg map' then 'exg render' does it.</summary>
internal static class RenderedExamples
{
    public static readonly string[] Audiences = ["clinician", "person"];

    /// <summary>Every example with every audience, for theories.</summary>
    public static TheoryData<string, string> EachExampleAndAudience()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in Examples.All)
        {
            foreach (var audience in Audiences)
            {
                data.Add(example, audience);
            }
        }

        return data;
    }

    public static Submission Read(string example) => Read(Encoding.UTF8.GetBytes(Examples.Text(example)));

    public static Submission Read(byte[] body)
    {
        var result = SubmissionReader.Read(body, new DateOnly(2026, 3, 13));
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Submission!;
    }

    public static Bundle Document(Submission submission) => new ReleaseSummaryMapper(ProfileSet.Embedded).Map(submission);

    /// <summary>The page for an audience, made from the document as a recipient would (the pack through the unmapper).</summary>
    public static string Page(Submission submission, string audience)
    {
        var document = Document(submission);
        return audience == "person" ? ReleasePack.Render(SubmissionUnmapper.Unmap(document)) : DocumentPage.Render(document);
    }

    public static string Page(string example, string audience) => Page(Read(example), audience);
}
