using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Fhir;
using Hl7.Fhir.Model;
using static ExchangeGateway.Rendering.PrintablePage;

namespace ExchangeGateway.Rendering;

/// <summary>
/// The clinician's page of a document: who and what it is about, the safety flags in a box at the top, then every
/// section with its narrative (or, for a section without one, a short line per entry).
/// </summary>
public static partial class DocumentPage
{
    /// <summary>
    /// The page's HTML; throws <see cref="UnmapException"/> when the Bundle is not a document this product makes. The gateway's
    /// own notices (<see cref="GatewayNotices"/>) get a header of their own and the same flags box and sections.
    /// </summary>
    public static string Render(Bundle bundle, AgencyDirectory? agencies = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        if (GatewayNotices.TypeOf(bundle) is { } noticeType)
        {
            return RenderNotice(bundle, noticeType, agencies);
        }

        // The header reads the unmapped submission: the one reading of the document the product already tests.
        var submission = SubmissionUnmapper.Unmap(bundle);
        var composition = (Composition)bundle.Entry[0].Resource!;
        var title = composition.Title ?? "Document";
        var body = new StringBuilder();
        Header(body, title, () => RecordFacts(body, submission, agencies));
        Flags(body, bundle.Entry.Select(e => e.Resource).OfType<Flag>());
        SectionsAndFooter(body, bundle, composition, submission.Dir?.DirId);
        var person = submission.Person();
        return Wrap($"{title}: {person?.Forenames} {person?.Surname}", body.ToString());
    }

    private static void SectionsAndFooter(StringBuilder body, Bundle bundle, Composition composition, string? dirId)
    {
        var byUrl = ByUrl(bundle);
        foreach (var section in composition.Section)
        {
            Section(body, section, reference => reference is not null && byUrl.TryGetValue(reference, out var found) ? found : null);
        }

        body.Append("<footer>Rendered by exg from document ").Append(Encode(bundle.Identifier?.Value))
            .Append(dirId is not null ? $" (DIR {Encode(dirId)})" : string.Empty).Append(". Check the signed document for the authoritative record.</footer>\n");
    }

    private static Dictionary<string, Resource> ByUrl(Bundle bundle)
    {
        var byUrl = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var entry in bundle.Entry)
        {
            if (entry.FullUrl is { } url && entry.Resource is { } resource)
            {
                byUrl.TryAdd(url, resource);
            }
        }

        return byUrl;
    }

    private static void Header(StringBuilder body, string title, Action facts)
    {
        body.Append("<header>\n<h1>").Append(Encode(title)).Append("</h1>\n<dl class=\"facts\">\n");
        facts();
        body.Append("</dl>\n</header>\n");
    }

    private static void RecordFacts(StringBuilder body, Submission submission, AgencyDirectory? agencies)
    {
        var client = submission.Person() ?? throw new ArgumentException("the document names no person", nameof(submission));
        var submissionEvent = submission.Event;
        PersonFacts(body, $"{client.Forenames} {client.Surname}", client.NhsNumber, client.PrisonNumber, client.DateOfBirth);
        Fact(body, "Event", submissionEvent.PlannedRelease switch
        {
            true => $"{submissionEvent.Type} (planned)",
            false => $"{submissionEvent.Type} (unplanned)",
            null => submissionEvent.Type,
        });
        Fact(body, "From", AgencyNames.Describe(submissionEvent.From, agencies));
        if (submissionEvent.To is { } to)
        {
            Fact(body, "To", AgencyNames.Describe(to, agencies));
        }

        Fact(body, "When", PlainDates.DayAndTime(submissionEvent.OccurredAt));
        if (submission.Dir?.ReleasePlan?.ReleaseDate is { } releaseDate)
        {
            Fact(body, "Release date", PlainDates.Day(releaseDate));
        }
        else if (submission.Dir?.Custody?.ExpectedReleaseDate is { } expected)
        {
            Fact(body, "Expected release", PlainDates.Day(expected));
        }
    }

    private static void PersonFacts(StringBuilder body, string name, string? nhsNumber, string? prisonNumber, string? dateOfBirth)
    {
        Fact(body, "Person", name);
        if (nhsNumber is { } nhs)
        {
            Fact(body, "NHS number", nhs.Length == 10 ? $"{nhs[..3]} {nhs[3..6]} {nhs[6..]}" : nhs);
        }

        if (prisonNumber is not null)
        {
            Fact(body, "Prison number", prisonNumber);
        }

        if (dateOfBirth is not null)
        {
            Fact(body, "Date of birth", PlainDates.Day(dateOfBirth));
        }
    }

    private static void Fact(StringBuilder body, string label, string value) =>
        body.Append("<dt>").Append(Encode(label)).Append("</dt><dd>").Append(Encode(value)).Append("</dd>\n");

    private static void Flags(StringBuilder body, IEnumerable<Flag> flags)
    {
        var texts = flags.Select(f => f.Code?.Text ?? f.Code?.Coding.FirstOrDefault()?.Display ?? f.Code?.Coding.FirstOrDefault()?.Code).OfType<string>().ToList();
        body.Append("<section class=\"flags\" id=\"flags\">\n<h2>Safety flags</h2>\n");
        if (texts.Count == 0)
        {
            body.Append("<p>No safety flags in this document.</p>\n");
        }
        else
        {
            body.Append("<ul>\n");
            foreach (var text in texts)
            {
                body.Append("<li>").Append(Encode(text)).Append("</li>\n");
            }

            body.Append("</ul>\n");
        }

        body.Append("</section>\n");
    }

    private static void Section(StringBuilder body, Composition.SectionComponent section, Func<string?, Resource?> resolve)
    {
        body.Append("<section>\n<h2>").Append(Encode(section.Title ?? section.Code?.Coding.FirstOrDefault()?.Display ?? "Section")).Append("</h2>\n");
        if (section.Text?.Div is { } div)
        {
            body.Append(NarrativeSanitiser.ToSafeHtml(div) ?? "<p class=\"muted\">This section's narrative is not well-formed XHTML and is not shown.</p>").Append('\n');
        }
        else if (section.Entry.Count == 0)
        {
            body.Append("<p class=\"muted\">Nothing recorded.</p>\n");
        }
        else
        {
            body.Append("<ul>\n");
            foreach (var entry in section.Entry)
            {
                if (resolve(entry.Reference) is { } resource)
                {
                    body.Append("<li>").Append(Encode(EntrySummary.Describe(resource, resolve))).Append("</li>\n");
                }
            }

            body.Append("</ul>\n");
        }

        body.Append("</section>\n");
    }
}
