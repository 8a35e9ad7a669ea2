using System.Globalization;
using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Builds the gateway's escalation alert when the loop does not close (an acceptance or reply not in by its time): a document
/// Bundle (Composition type <c>escalation-alert</c>) whose one risks-alerts section holds one Flag coded with the escalation
/// kind and the gateway's plain-English text, about the Patient of the submission the escalation is about. Every alert the
/// gateway raises itself has this one shape, so <see cref="OverdueReleaseAlertMapper"/> and <see cref="UnplannedReleaseAlertMapper"/>
/// build their alerts here too.
/// </summary>
public sealed class EscalationAlertMapper(ProfileSet profiles)
{
    /// <summary>The agency id the gateway signs as; every alert's author.</summary>
    public const string GatewayAgencyId = "gateway";

    /// <summary>The alert's code in the document-type CodeSystem.</summary>
    public const string DocumentType = "escalation-alert";

    private readonly ReleaseSummaryMapper summaries = new(profiles);

    /// <summary>The alert as pretty JSON; the same arguments always give the same bytes.</summary>
    public string MapToJson(Submission source, string kind, string text, string alertId, DateTimeOffset at) =>
        FhirJsonSerializer.Default.SerializeToString(Map(source, kind, text, alertId, at), true);

    /// <summary>
    /// The alert of <paramref name="kind"/> (one of <see cref="EscalationKinds.All"/>) about <paramref name="source"/>, the DIR-bearing
    /// submission already cut down for the recipient; <paramref name="alertId"/> (e.g. <c>{submissionId}/{kind}/{entryId}</c>) makes the
    /// Bundle's identifier and fullUrls unique, <paramref name="at"/> is when the escalation was raised.
    /// </summary>
    public Bundle Map(Submission source, string kind, string text, string alertId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentException.ThrowIfNullOrWhiteSpace(alertId);
        // The release prompts to the prison are alerts of the same shape, about the same record.
        if (!EscalationKinds.IsEscalation(kind) && !ReleaseMilestoneKinds.IsPrompt(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "not one of EscalationKinds.All nor a release prompt");
        }

        return Build(source, DocumentType, kind, text, alertId, at);
    }

    /// <summary>
    /// The alert of <paramref name="documentType"/> about <paramref name="source"/> (already cut down for the recipient), holding
    /// one Flag coded <paramref name="flagCode"/> with <paramref name="text"/>; <paramref name="alertId"/> is the Bundle's
    /// identifier and seeds every fullUrl.
    /// </summary>
    internal Bundle Build(Submission source, string documentType, string flagCode, string text, string alertId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(source);

        // The Patient and the assessment Encounter (with what they cite) are taken from the source's own document, so the
        // alert names the person exactly as the source did; the fullUrls stay those of the source's document.
        var sourceDocument = summaries.Map(source, []);
        var sourceComposition = (Composition)sourceDocument.Entry[0].Resource!;
        var patientUrl = sourceComposition.Subject!.Reference!;
        var encounterUrl = sourceComposition.Encounter!.Reference!;
        var carried = Closure(sourceDocument, [patientUrl, encounterUrl]);

        string Url(string role) => DeterministicId.Urn(alertId, role);
        var compositionUrl = Url("Composition");
        var gatewayUrl = Url("Organization/gateway");
        var flagUrl = Url($"Flag/{flagCode}");
        var when = at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

        var code = Coded(Cs.SafetyFlag, flagCode);
        code.Text = text;
        var flag = new Flag
        {
            Status = Flag.FlagStatus.Active,
            Category = [new CodeableConcept { Coding = [new Coding(External.FlagCategory, "safety", "Safety")] }],
            Code = code,
            Subject = new ResourceReference(patientUrl),
        };

        var title = profiles.Display(Cs.DocumentType, documentType);
        var composition = new Composition
        {
            Identifier = new Identifier(Systems.Dir, (source.Dir ?? throw new ArgumentException("an alert is about a submission that carries a DIR", nameof(source))).DirId),
            Status = CompositionStatus.Final,
            Type = Coded(Cs.DocumentType, documentType),
            Date = when,
            Title = title,
            Text = DocumentNarrative.OfAlerts(title, [text]),
            Confidentiality = ReleaseSummaryMapper.DocumentConfidentiality,
            Subject = new ResourceReference(patientUrl),
            Author = [new ResourceReference(gatewayUrl)],
            Encounter = new ResourceReference(encounterUrl),
            Section =
            [
                new Composition.SectionComponent
                {
                    Title = profiles.Display(Cs.DocumentSection, "risks-alerts"),
                    Code = Coded(Cs.DocumentSection, "risks-alerts"),
                    Text = DocumentNarrative.OfAlerts(null, [text]),
                    Entry = [new ResourceReference(flagUrl)],
                },
            ],
        };

        var gateway = new Organization
        {
            Identifier = [new Identifier(AgencyIdentifiers.SystemFor("agency"), GatewayAgencyId)],
            Type = [Coded(Cs.AgencyType, "agency")],
        };

        var entries = new List<Bundle.EntryComponent> { new() { FullUrl = compositionUrl, Resource = composition } };
        entries.AddRange(carried);
        entries.Add(new() { FullUrl = gatewayUrl, Resource = gateway });
        entries.Add(new() { FullUrl = flagUrl, Resource = flag });
        entries.Add(new() { FullUrl = Url("Provenance"), Resource = DocumentProvenance.AuthoredBy(compositionUrl, when, gatewayUrl) });
        return new Bundle
        {
            Identifier = new Identifier(Systems.Submission, alertId),
            Type = Bundle.BundleType.Document,
            TimestampElement = new Instant { JsonValue = when },
            Meta = ReleaseSummaryMapper.DocumentSecurityLabels(),
            Entry = entries,
        };
    }

    private CodeableConcept Coded(string codeSystem, string code) =>
        new() { Coding = [new Coding(FhirNames.CodeSystem(codeSystem), code, profiles.Display(codeSystem, code))] };

    // The entries at the given fullUrls and every entry they cite, directly or not, in the source's order.
    private static List<Bundle.EntryComponent> Closure(Bundle source, IEnumerable<string> roots)
    {
        var byUrl = source.Entry.ToDictionary(e => e.FullUrl!, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>(roots);
        while (queue.TryDequeue(out var url))
        {
            if (byUrl.TryGetValue(url, out var entry) && wanted.Add(url))
            {
                foreach (var cited in References(entry.Resource!))
                {
                    queue.Enqueue(cited);
                }
            }
        }

        return [.. source.Entry.Where(e => wanted.Contains(e.FullUrl!))];
    }

    private static IEnumerable<string> References(Base node)
    {
        if (node is ResourceReference { Reference: { Length: > 0 } reference })
        {
            yield return reference;
        }

        foreach (var (_, value) in node.EnumerateElements())
        {
            var children = value is Base one ? [one] : (value as IEnumerable<Base>) ?? [];
            foreach (var child in children)
            {
                foreach (var cited in References(child))
                {
                    yield return cited;
                }
            }
        }
    }
}
