using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace ExchangeGateway.Audit.Tests;

[Collection(PkiCollection.Name)]
public sealed class FhirExportTests(PkiFixture pki)
{
    [Fact]
    public void The_fhir_export_parses_as_an_r4_bundle_of_audit_events_with_the_required_elements()
    {
        using var trail = new Trail(pki);
        using var text = new StringWriter();
        trail.Read(audit => AuditFhirExport.Write(audit, text, pki.Now));

        // The default deserializer is strict: unknown elements, wrong types and missing mandatory elements all throw.
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(text.ToString());

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        Assert.Equal(30, bundle.Entry.Count);
        Assert.Equal(bundle.Entry.Count, bundle.Entry.Select(e => e.FullUrl).Distinct().Count());
        Assert.All(bundle.Entry, entry =>
        {
            var audit = Assert.IsType<AuditEvent>(entry.Resource);
            Assert.False(string.IsNullOrEmpty(audit.Type?.Code));
            Assert.Equal("http://dicom.nema.org/resources/ontology/DCM", audit.Type!.System);
            Assert.NotNull(audit.Recorded);
            Assert.NotEmpty(audit.Agent);
            Assert.All(audit.Agent, agent => Assert.NotNull(agent.Requestor));
            Assert.Single(audit.Agent, agent => agent.Requestor == true);
            Assert.NotNull(audit.Source?.Observer);
            Assert.Contains(audit.Entity, e => e.Detail.Any(d => d.Type == "hash"));
        });
    }

    [Fact]
    public void An_audit_event_carries_the_actor_the_person_keys_the_message_and_the_chain()
    {
        using var trail = new Trail(pki, entries: 0, shutdown: false);
        var entry = trail.Write(store => trail.Log.Append(store, new AuditRecord(AuditEventTypes.ConsentDecision, "HLI")
        {
            Subjects = [trail.PersonA],
            Details = new Dictionary<string, AuditValue>
            {
                ["decision"] = "overridden",
                ["legalBasis"] = "vital-interests",
                ["recipient"] = "CJIT-LEEDS",
                ["messageId"] = "01964f7e-7c1a-7b3e-9d2f-000000000001",
            },
        }, pki.Now));

        var audit = AuditFhirExport.ToAuditEvent(entry);

        Assert.Equal("110113", audit.Type!.Code);
        Assert.Contains(audit.Subtype, c => c.Code == "AuthZ-Consent");
        Assert.Contains(audit.Subtype, c => c.Code == "110127");
        Assert.Contains(audit.Subtype, c => c.Code == AuditEventTypes.ConsentDecision);
        Assert.Equal("vital-interests", audit.PurposeOfEvent.Single().Coding.Single().Code);
        var requestor = audit.Agent.Single(a => a.Requestor == true);
        Assert.Equal("HLI", requestor.Who!.Identifier!.Value);
        Assert.Contains(audit.Agent, a => a.Who?.Identifier?.Value == "CJIT-LEEDS" && a.Type?.Coding[0].Code == "110152");
        Assert.Equal("gateway", audit.Source!.Observer!.Identifier!.Value);
        var person = audit.Entity.Single(e => e.Role?.Code == "1");
        Assert.Equal(trail.PersonA, person.What!.Identifier!.Value);
        Assert.Contains(audit.Entity, e => e.What?.Identifier?.Value == "01964f7e-7c1a-7b3e-9d2f-000000000001");
        Assert.Equal(entry.Time, audit.Recorded);
    }

    [Fact]
    public void The_fhir_export_names_no_one_in_clear()
    {
        using var trail = new Trail(pki);
        using var text = new StringWriter();

        trail.Read(audit => AuditFhirExport.Write(audit, text, pki.Now));

        Assert.DoesNotContain(Trail.NhsNumber, text.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Trail.PrisonNumber, text.ToString(), StringComparison.Ordinal);
    }

    // Export times whose milliseconds end in zeros too: FHIR spells 12:00:00.810 as 12:00:00.81.
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(810)]
    [InlineData(812)]
    public void The_streamed_export_is_the_same_bundle_as_the_model(int milliseconds)
    {
        using var trail = new Trail(pki, entries: 5);
        using var text = new StringWriter();
        var exported = milliseconds < 0 ? pki.Now : pki.Now.AddTicks(-(pki.Now.Ticks % TimeSpan.TicksPerSecond)).AddMilliseconds(milliseconds);
        trail.Read(audit => AuditFhirExport.Write(audit, text, exported));

        var streamed = new FhirJsonDeserializer().Deserialize<Bundle>(text.ToString());
        var model = AuditFhirExport.ToBundle(trail.Entries(), exported);

        Assert.True(model.IsExactly(streamed));
    }

    [Fact]
    public void The_strict_parse_used_above_does_refuse_an_audit_event_without_its_type()
    {
        using var trail = new Trail(pki, entries: 1, shutdown: false);
        var json = Hl7.Fhir.Serialization.FhirJsonSerializer.Default.SerializeToString(AuditFhirExport.ToBundle(trail.Entries(), pki.Now));
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        node["entry"]![0]!["resource"]!.AsObject().Remove("type");

        Assert.ThrowsAny<Exception>(() => new FhirJsonDeserializer().Deserialize<Bundle>(node.ToJsonString()));
    }
}
