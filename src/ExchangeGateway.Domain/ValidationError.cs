namespace ExchangeGateway.Domain;

/// <summary>One problem with a submission: the JSON path of the field and a plain reason.</summary>
public sealed record ValidationError(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
