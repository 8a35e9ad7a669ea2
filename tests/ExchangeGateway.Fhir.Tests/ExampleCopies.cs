using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Fhir.Tests;

/// <summary>The examples and the richest fixture, read as submissions, with every recipient type a copy is made for.</summary>
internal static class ExampleCopies
{
    /// <summary>The name the richest fixture (<see cref="Examples.Everything"/>) goes by in theory data.</summary>
    public const string Everything = "everything";

    /// <summary>Every recipient type a minimised copy is made for.</summary>
    public static readonly string[] RecipientTypes = [AgencyTypes.Prison, AgencyTypes.Cjit, AgencyTypes.CommunityTreatment, AgencyTypes.Gp];

    /// <summary>Each example (and the richest fixture) with each recipient type.</summary>
    public static TheoryData<string, string> ExamplesAndRecipients
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var example in Examples.All.Append(Everything))
            {
                foreach (var type in RecipientTypes)
                {
                    data.Add(example, type);
                }
            }

            return data;
        }
    }

    /// <summary>The example read and checked as the intake reads it.</summary>
    public static Submission Read(string example)
    {
        var json = example == Everything ? Examples.Everything().ToJsonString() : Examples.Text(example);
        var result = SubmissionReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Empty(result.Errors);
        return result.Submission!;
    }
}
