using System.Globalization;
using ExchangeGateway.Domain;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static ExchangeGateway.Fhir.FhirNames;

namespace ExchangeGateway.Fhir;

/// <summary>
/// Builds the gateway's "overdue release summary" alert to a CJIT: a document Bundle (Composition type
/// <c>overdue-release-alert</c>) whose one risks-alerts section holds a single <c>overdue-release-summary</c> Flag about the
/// Patient of the last release notice. It passes the same profiles as every other document.
/// </summary>
public sealed class OverdueReleaseAlertMapper(ProfileSet profiles)
{
    /// <summary>The alert's code in the document-type CodeSystem.</summary>
    public const string DocumentType = "overdue-release-alert";

    /// <summary>The agency id the gateway signs as; the alert's author.</summary>
    public const string GatewayAgencyId = "gateway";

    private readonly ReleaseSummaryMapper summaries = new(profiles);

    /// <summary>The alert as pretty JSON; the same arguments always give the same bytes.</summary>
    public string MapToJson(Submission notice, DateOnly plannedRelease, DateTimeOffset checkedAt) =>
        FhirJsonSerializer.Default.SerializeToString(Map(notice, plannedRelease, checkedAt), true);

    /// <summary>
    /// The alert for <paramref name="notice"/> (already cut down for the CJIT), whose release planned for
    /// <paramref name="plannedRelease"/> was not recorded by the check at <paramref name="checkedAt"/>.
    /// </summary>
    public Bundle Map(Submission notice, DateOnly plannedRelease, DateTimeOffset checkedAt)
    {
        ArgumentNullException.ThrowIfNull(notice);

        // The Patient and the assessment Encounter (with what they cite) are taken from the notice's own document, so the
        // alert names the person exactly as the notices did; the fullUrls stay those of the notice's document.
        var source = summaries.Map(notice, []);
        var sourceComposition = (Composition)source.Entry[0].Resource!;
        var patientUrl = sourceComposition.Subject!.Reference!;
        var encounterUrl = sourceComposition.Encounter!.Reference!;
        var carried = Closure(source, [patientUrl, encounterUrl]);

        var alertId = $"{notice.SubmissionId}/{DocumentType}";
        string Url(string role) => DeterministicId.Urn(alertId, role);
        var compositionUrl = Url("Composition");
        var gatewayUrl = Url("Organization/gateway");
        var flagUrl = Url($"Flag/{ReleaseTimeline.OverdueAlertFlag}");
        var when = checkedAt.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);

        var flagCode = Coded(Cs.SafetyFlag, ReleaseTimeline.OverdueAlertFlag);
        flagCode.Text = $"No release has been recorded by {ReleaseTimeline.OverdueCheckTime:HH:mm} on {plannedRelease:yyyy-MM-dd}, the planned release day "
            + $"notified by {notice.Event.From}. Check with the prison whether the person was released or the release was put back, and make sure "
            + "prescribing, naloxone and a first appointment are in place.";
        var flag = new Flag
        {
            Status = Flag.FlagStatus.Active,
            Category = [new CodeableConcept { Coding = [new Coding(External.FlagCategory, "safety", "Safety")] }],
            Code = flagCode,
            Subject = new ResourceReference(patientUrl),
        };

        var composition = new Composition
        {
            Identifier = new Identifier(Systems.Dir, (notice.Dir ?? throw new ArgumentException("a release notice carries a DIR", nameof(notice))).DirId),
            Status = CompositionStatus.Final,
            Type = Coded(Cs.DocumentType, DocumentType),
            Date = when,
            Title = profiles.Display(Cs.DocumentType, DocumentType),
            Text = DocumentNarrative.OfAlerts(profiles.Display(Cs.DocumentType, DocumentType), [flagCode.Text]),
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
                    Text = DocumentNarrative.OfAlerts(null, [flagCode.Text]),
                    Entry = [new ResourceReference(flagUrl)],
                },
            ],
        };

        var gateway = new Organization
        {
            Identifier = [new Identifier(AgencyIdentifiers.SystemFor("agency"), GatewayAgencyId)],
            Type = [Coded(Cs.AgencyType, "agency")],
        };

        var provenance = new Provenance
        {
            Target = [new ResourceReference(compositionUrl)],
            RecordedElement = new Instant { JsonValue = when },
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept(External.ProvenanceParticipantType, "author", "Author"),
                    Who = new ResourceReference(gatewayUrl),
                },
            ],
        };

        var entries = new List<Bundle.EntryComponent> { new() { FullUrl = compositionUrl, Resource = composition } };
        entries.AddRange(carried);
        entries.Add(new() { FullUrl = gatewayUrl, Resource = gateway });
        entries.Add(new() { FullUrl = flagUrl, Resource = flag });
        entries.Add(new() { FullUrl = Url("Provenance"), Resource = provenance });
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
