using System.Globalization;
using Hl7.Fhir.Model;

namespace ExchangeGateway.Rendering;

/// <summary>
/// One line of plain text for a section entry, for a section that carries no narrative: enough for a clinician to read
/// the record, drawn only from the resource's own codes and values.
/// </summary>
public static class EntrySummary
{
    /// <summary>The line for a resource; <paramref name="resolve"/> finds referenced resources in the same Bundle.</summary>
    public static string Describe(Resource resource, Func<string?, Resource?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        return resource switch
        {
            Flag flag => $"Flag: {Concept(flag.Code)}",
            Observation observation => ObservationLine(observation, resolve),
            MedicationRequest request => RequestLine(request, resolve),
            MedicationAdministration given => Join(
                $"Last dose: {Value(given.Medication, resolve)}",
                given.Dosage?.Dose is { } dose ? Value(dose, resolve) : null,
                given.Effective is { } effective ? $"at {Value(effective, resolve)}" : null),
            EpisodeOfCare episode => Join(
                string.Join(", ", episode.Type.Select(Concept)) is { Length: > 0 } type ? type : "Episode of care",
                episode.Status?.ToString().ToLowerInvariant(),
                episode.Period is { } period ? Value(period, resolve) : null,
                episode.ManagingOrganization is { } organization ? $"at {Value(organization, resolve)}" : null),
            Appointment appointment => Join("Appointment", appointment.StartElement?.Value is { } start ? PlainDates.DayAndTime(start.ToString("o", CultureInfo.InvariantCulture)) : null, appointment.Comment),
            ServiceRequest referral => Join(
                Concept(referral.Code),
                referral.Status?.ToString().ToLowerInvariant(),
                referral.Performer.Count > 0 ? $"with {string.Join(", ", referral.Performer.Select(p => Value(p, resolve)))}" : null),
            Condition condition => Concept(condition.Code),
            Consent consent => Join(
                $"Consent {consent.Status?.ToString().ToLowerInvariant()}",
                consent.DateTime is { } recorded ? $"recorded {PlainDates.DayAndTime(recorded)}" : null,
                consent.Provision?.Provision.Count > 0
                    ? $"share with {string.Join(", ", consent.Provision.Provision.SelectMany(p => p.Actor).Select(a => Concept(a.Role)))}"
                    : null),
            _ => resource.TypeName,
        };
    }

    private static string ObservationLine(Observation observation, Func<string?, Resource?> resolve)
    {
        var parts = new List<string?> { observation.Value is { } value ? $"{Concept(observation.Code)}: {Value(value, resolve)}" : Concept(observation.Code) };
        parts.AddRange(observation.Component.Select(c => $"{Concept(c.Code)}: {Value(c.Value, resolve)}"));
        return Join([.. parts]);
    }

    private static string RequestLine(MedicationRequest request, Func<string?, Resource?> resolve)
    {
        var category = request.Category.Select(Concept).FirstOrDefault() ?? "Prescription";
        var dose = request.DosageInstruction.SelectMany(d => d.DoseAndRate).Select(d => d.Dose).FirstOrDefault();
        var timing = request.DosageInstruction.Select(d => d.Timing?.Code).OfType<CodeableConcept>().Select(Concept).FirstOrDefault();
        var supply = request.DispenseRequest?.ExpectedSupplyDuration is { Value: { } days } ? $"for {days.ToString(CultureInfo.InvariantCulture)} days" : null;
        var pharmacy = request.DispenseRequest?.Performer is { } performer ? $"from {Value(performer, resolve)}" : null;
        return Join($"{category}: {Value(request.Medication, resolve)}", dose is null ? null : Value(dose, resolve), timing?.ToLowerInvariant(), supply, pharmacy);
    }

    private static string Concept(CodeableConcept? concept) =>
        concept?.Text ?? concept?.Coding.FirstOrDefault()?.Display ?? concept?.Coding.FirstOrDefault()?.Code ?? "";

    private static string Value(DataType? value, Func<string?, Resource?> resolve) => value switch
    {
        null => "",
        CodeableConcept concept => Concept(concept),
        FhirBoolean flag => flag.Value switch { true => "yes", false => "no", null => "" },
        Quantity quantity => $"{quantity.Value?.ToString(CultureInfo.InvariantCulture)} {quantity.Unit}".Trim(),
        Period period => $"{(period.Start is { } start ? PlainDates.Day(start) : "?")} to {(period.End is { } end ? PlainDates.Day(end) : "now")}",
        FhirDateTime dateTime => dateTime.Value is { } text ? PlainDates.DayAndTime(text) : "",
        Date date => date.Value is { } text ? PlainDates.Day(text) : "",
        ResourceReference reference => ReferenceName(reference, resolve),
        PrimitiveType primitive => primitive.ToString() ?? "",
        _ => value.TypeName,
    };

    private static string ReferenceName(ResourceReference reference, Func<string?, Resource?> resolve) => resolve(reference.Reference) switch
    {
        Organization organization => organization.Identifier.FirstOrDefault()?.Value ?? organization.Name ?? "organisation",
        Practitioner practitioner => practitioner.Name.FirstOrDefault()?.Text ?? "practitioner",
        Patient => "the person",
        _ => reference.Display ?? reference.Reference ?? "",
    };

    private static string Join(params string?[] parts) => string.Join("; ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
}
