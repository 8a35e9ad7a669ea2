namespace ExchangeGateway.TestData;

/// <summary>Deployment map files (ConceptMap JSON) for the terminology tests.</summary>
public static class TerminologyMaps
{
    /// <summary>A TEST VALUE, not a dm+d concept: a deployment would take the real one from the NHSBSA dm+d release.</summary>
    public const string TestDmdCode = "999999999999999";

    /// <summary>Display of the test value, saying what it is.</summary>
    public const string TestDmdDisplay = "TEST VALUE - not a dm+d concept";

    /// <summary>A deployment map giving methadone-oral-solution-1mg-ml the test dm+d code.</summary>
    public static string MethadoneToTestDmdCode(string equivalence = "equivalent") => $$"""
        {
          "resourceType": "ConceptMap",
          "url": "https://deployment.example/fhir/ConceptMap/medication-dmd",
          "status": "active",
          "group": [
            {
              "source": "https://exchange-gateway.example/fhir/CodeSystem/medication",
              "target": "https://dmd.nhs.uk",
              "element": [
                {
                  "code": "methadone-oral-solution-1mg-ml",
                  "target": [ { "code": "{{TestDmdCode}}", "display": "{{TestDmdDisplay}}", "equivalence": "{{equivalence}}", "comment": "test value" } ]
                }
              ]
            }
          ]
        }
        """;

    /// <summary>Writes <see cref="MethadoneToTestDmdCode"/> into a folder and returns the file's path.</summary>
    public static string WriteMethadoneToTestDmdCode(string folder)
    {
        var path = Path.Combine(folder, "terminology.json");
        File.WriteAllText(path, MethadoneToTestDmdCode());
        return path;
    }

    /// <summary>A deployment map saying a local code has no match in the target system.</summary>
    public static string Unmatched(string codeSystem, string code, string targetSystem) => $$"""
        {
          "resourceType": "ConceptMap",
          "url": "https://deployment.example/fhir/ConceptMap/unmatched",
          "status": "active",
          "group": [
            {
              "source": "https://exchange-gateway.example/fhir/CodeSystem/{{codeSystem}}",
              "target": "{{targetSystem}}",
              "element": [ { "code": "{{code}}", "target": [ { "equivalence": "unmatched", "comment": "no match in this deployment" } ] } ]
            }
          ]
        }
        """;
}
