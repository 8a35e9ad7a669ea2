using System.Text.Json;
using ExchangeGateway.Fhir;
using ExchangeGateway.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Audit;

/// <summary>
/// The FHIR export: an R4 Bundle of type collection with one AuditEvent per entry, shaped after IHE Basic Audit Log
/// Patterns where they fit: DICOM event type, ISO 21089 lifecycle and project subtypes, the actor as the requesting
/// agent, the gateway as source observer, person keys as Patient entities, the message as a Report entity, and the
/// entry itself (seq, hash, prevHash, details) as a System Object entity so that the chain survives in the export.
/// Understood details: <c>messageId</c>, <c>submissionId</c>, <c>recipient</c>, <c>reason</c>, <c>legalBasis</c>,
/// <c>decision</c> (shared, withheld, overridden) and <c>outcome</c> (success, failure).
/// </summary>
public static class AuditFhirExport
{
    /// <summary>The identifier system of person keys (nhs:HEX, prison:HEX).</summary>
    public const string PersonKeySystem = "https://exchange-gateway.example/Id/person-key";

    /// <summary>The identifier system of message ids.</summary>
    public const string MessageSystem = "https://exchange-gateway.example/Id/message";

    /// <summary>The identifier system of audit entries (by seq).</summary>
    public const string EntrySystem = "https://exchange-gateway.example/Id/audit-entry";

    /// <summary>The identifier system of administrators (login names).</summary>
    public const string AdminSystem = "https://exchange-gateway.example/Id/admin-user";

    private const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    private const string Lifecycle = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
    private const string BalpAuthZ = "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string SourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string SecurityRole = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";

    private static readonly Dictionary<string, Shape> Shapes = new(StringComparer.Ordinal)
    {
        [AuditEventTypes.SubmissionReceived] = new("110107", "Import", AuditEvent.AuditEventAction.C, new Coding(Lifecycle, "receive", "Receive Record Lifecycle Event")),
        [AuditEventTypes.SubmissionRefused] = new("110107", "Import", AuditEvent.AuditEventAction.C, new Coding(Lifecycle, "receive", "Receive Record Lifecycle Event")),
        [AuditEventTypes.ConsentDecision] = new("110113", "Security Alert", AuditEvent.AuditEventAction.E, new Coding(BalpAuthZ, "AuthZ-Consent", "Authorization Decision using Roles and Consent")),
        [AuditEventTypes.PackageSealed] = new("110106", "Export", AuditEvent.AuditEventAction.C, new Coding(Lifecycle, "encrypt", "Encrypt Record Lifecycle Event")),
        [AuditEventTypes.DeliveryAttempt] = new("110106", "Export", AuditEvent.AuditEventAction.R, new Coding(Lifecycle, "transmit", "Transmit Record Lifecycle Event")),
        [AuditEventTypes.DeliveryResult] = new("110106", "Export", AuditEvent.AuditEventAction.R, new Coding(Lifecycle, "disclose", "Disclose Record Lifecycle Event")),
        [AuditEventTypes.MailboxFetch] = new("110106", "Export", AuditEvent.AuditEventAction.R, new Coding(Lifecycle, "disclose", "Disclose Record Lifecycle Event")),
        [AuditEventTypes.Ack] = new("110107", "Import", AuditEvent.AuditEventAction.C, new Coding(Lifecycle, "receive", "Receive Record Lifecycle Event")),
        [AuditEventTypes.Withdrawal] = new("110110", "Patient Record", AuditEvent.AuditEventAction.U, new Coding(Lifecycle, "amend", "Amend (Update) Record Lifecycle Event")),
        [AuditEventTypes.CertificateProblem] = new("110113", "Security Alert", AuditEvent.AuditEventAction.E, new Coding(Dicom, "110126", "Node Authentication")),
        [AuditEventTypes.AdminAction] = new("110100", "Application Activity", AuditEvent.AuditEventAction.E, null),
    };

    /// <summary>
    /// Writes the whole trail, read through <paramref name="store"/> (a snapshot's), as a Bundle, one AuditEvent at a
    /// time (the trail may be large); returns the number of entries.
    /// </summary>
    public static long Write(IAuditStore store, TextWriter output, DateTimeOffset exported)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Write(AuditLog.Entries(store), output, exported);
    }

    /// <summary>Writes entries as a Bundle of type collection.</summary>
    public static long Write(IEnumerable<AuditEntry> entries, TextWriter output, DateTimeOffset exported)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(output);

        // The envelope is written by hand and each resource by Firely, so that no whole Bundle is ever held in memory.
        output.Write("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"timestamp\":");
        // Spelled as Firely spells an instant (trailing zeros of the fraction dropped), so the envelope reads back exactly as ToBundle's.
        output.Write(JsonSerializer.Serialize(PrimitiveTypeConverter.ConvertTo<string>(exported)));
        output.Write(",\"entry\":[");
        long count = 0;
        foreach (var entry in entries)
        {
            output.Write(count == 0 ? "\n" : ",\n");
            output.Write("{\"fullUrl\":");
            output.Write(JsonSerializer.Serialize(FullUrl(entry)));
            output.Write(",\"resource\":");
            output.Write(FhirJsonSerializer.Default.SerializeToString(ToAuditEvent(entry)));
            output.Write('}');
            count++;
        }

        output.Write("]}\n");
        return count;
    }

    /// <summary>Entries as a Bundle object (for callers that want the model, e.g. tests and small exports).</summary>
    public static Bundle ToBundle(IEnumerable<AuditEntry> entries, DateTimeOffset exported)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var bundle = new Bundle { Type = Bundle.BundleType.Collection, Timestamp = exported };
        foreach (var entry in entries)
        {
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = FullUrl(entry), Resource = ToAuditEvent(entry) });
        }

        return bundle;
    }

    /// <summary>One entry as an R4 AuditEvent.</summary>
    public static AuditEvent ToAuditEvent(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var shape = Shapes.GetValueOrDefault(entry.Type) ?? new Shape("110100", "Application Activity", AuditEvent.AuditEventAction.E, null);
        var audit = new AuditEvent
        {
            Type = new Coding(Dicom, shape.Code, shape.Display),
            Action = shape.Action,
            Recorded = entry.Time,
            Outcome = Outcome(entry),
            OutcomeDesc = Text(entry, "reason"),
            Source = new AuditEvent.SourceComponent
            {
                Site = "exchange-gateway",
                Observer = Gateway(),
                Type = [new Coding(SourceType, "4", "Application Server")],
            },
        };

        if (shape.Subtype is not null)
        {
            // The table's codings are shared; each event gets its own copy (Firely objects are mutable).
            audit.Subtype.Add((Coding)shape.Subtype.DeepCopy());
        }

        if (entry.Type == AuditEventTypes.ConsentDecision && Text(entry, "decision") == "overridden")
        {
            // Sharing without consent under another legal basis is the gateway's break-glass: flagged as an override.
            audit.Subtype.Add(new Coding(Dicom, "110127", "Emergency Override Started"));
        }

        audit.Subtype.Add(new Coding(FhirNames.CodeSystem(FhirNames.Cs.AuditEventType), entry.Type));
        if (Text(entry, "legalBasis") is { } legalBasis)
        {
            audit.PurposeOfEvent.Add(new CodeableConcept(FhirNames.CodeSystem(FhirNames.Cs.LegalBasis), legalBasis));
        }

        audit.Agent.Add(Requestor(entry));
        if (entry.Actor != AuditActors.Gateway)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(Dicom, "110150", "Application"),
                Who = Gateway(),
                Requestor = false,
            });
        }

        if (Text(entry, "recipient") is { } recipient && recipient != entry.Actor)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(Dicom, "110152", "Destination Role ID"),
                Who = Agency(recipient),
                Requestor = false,
            });
        }

        foreach (var subject in entry.Subjects)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Type = "Patient", Identifier = new Identifier(PersonKeySystem, subject) },
                Type = new Coding(EntityType, "1", "Person"),
                Role = new Coding(ObjectRole, "1", "Patient"),
            });
        }

        if (Text(entry, "messageId") is { } messageId)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(MessageSystem, messageId) },
                Type = new Coding(EntityType, "2", "System Object"),
                Role = new Coding(ObjectRole, "3", "Report"),
            });
        }

        if (Text(entry, "submissionId") is { } submissionId)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference { Identifier = new Identifier(FhirNames.Systems.Submission, submissionId) },
                Type = new Coding(EntityType, "2", "System Object"),
                Role = new Coding(ObjectRole, "3", "Report"),
            });
        }

        audit.Entity.Add(TrailEntity(entry));
        return audit;
    }

    private static string FullUrl(AuditEntry entry) => DeterministicId.Urn("audit-trail", entry.Hash);

    private static AuditEvent.EntityComponent TrailEntity(AuditEntry entry)
    {
        var trail = new AuditEvent.EntityComponent
        {
            What = new ResourceReference { Identifier = new Identifier(EntrySystem, entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
            Type = new Coding(EntityType, "2", "System Object"),
            Description = "audit trail entry",
        };
        trail.Detail.Add(Detail("seq", entry.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        trail.Detail.Add(Detail("actor", entry.Actor));
        trail.Detail.Add(Detail("prevHash", entry.PrevHash));
        trail.Detail.Add(Detail("hash", entry.Hash));
        foreach (var (key, value) in entry.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            trail.Detail.Add(Detail("details." + key, value.ToString()));
        }

        return trail;
    }

    private static AuditEvent.DetailComponent Detail(string type, string value) => new() { Type = type, Value = new FhirString(value) };

    private static AuditEvent.AgentComponent Requestor(AuditEntry entry)
    {
        if (entry.Actor == AuditActors.Gateway)
        {
            return new AuditEvent.AgentComponent { Type = new CodeableConcept(Dicom, "110150", "Application"), Who = Gateway(), Requestor = true };
        }

        if (entry.Actor.StartsWith("admin:", StringComparison.Ordinal))
        {
            return new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(SecurityRole, "humanuser", "human user"),
                Who = new ResourceReference { Identifier = new Identifier(AdminSystem, entry.Actor["admin:".Length..]) },
                Requestor = true,
            };
        }

        // An agency that fetches or acknowledges receives the data; one that submits is its source.
        var receives = entry.Type is AuditEventTypes.MailboxFetch or AuditEventTypes.Ack;
        return new AuditEvent.AgentComponent
        {
            Type = receives ? new CodeableConcept(Dicom, "110152", "Destination Role ID") : new CodeableConcept(Dicom, "110153", "Source Role ID"),
            Who = Agency(entry.Actor),
            Requestor = true,
        };
    }

    private static ResourceReference Gateway() => new() { Identifier = new Identifier(FhirNames.Systems.Agency, AuditActors.Gateway), Display = "ExchangeGateway" };

    private static ResourceReference Agency(string id) => new() { Identifier = new Identifier(FhirNames.Systems.Agency, id) };

    private static AuditEvent.AuditEventOutcome Outcome(AuditEntry entry)
    {
        switch (Text(entry, "outcome"))
        {
            case "success":
                return AuditEvent.AuditEventOutcome.N0;
            case "failure":
                return AuditEvent.AuditEventOutcome.N4;
        }

        return entry.Type switch
        {
            AuditEventTypes.SubmissionRefused or AuditEventTypes.CertificateProblem => AuditEvent.AuditEventOutcome.N4,

            // BALP records a deny of an authorisation decision as a failure.
            AuditEventTypes.ConsentDecision when Text(entry, "decision") == "withheld" => AuditEvent.AuditEventOutcome.N8,
            _ => AuditEvent.AuditEventOutcome.N0,
        };
    }

    private static string? Text(AuditEntry entry, string key) =>
        entry.Details.TryGetValue(key, out var value) ? value.ToString() : null;

    private sealed record Shape(string Code, string Display, AuditEvent.AuditEventAction Action, Coding? Subtype);
}
