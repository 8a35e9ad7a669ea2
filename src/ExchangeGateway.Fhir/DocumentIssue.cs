using Hl7.Fhir.Model;

namespace ExchangeGateway.Fhir;

/// <summary>One finding about a document: how serious it is, where (a FHIRPath location) and what, in plain English.</summary>
public sealed record DocumentIssue(OperationOutcome.IssueSeverity Severity, string Location, string Message)
{
    /// <summary>True for an error or a fatal issue: the document does not conform.</summary>
    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    /// <summary>"error: Bundle.entry[1].resource.name[0].family: ..." as the CLI prints it.</summary>
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}: {Location}: {Message}";
}
