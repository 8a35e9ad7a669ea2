using System.Text;
using System.Text.Json.Nodes;

namespace ExchangeGateway.TestData;

/// <summary>One broken rule of the submission contract: a bad body and the path its error must name.</summary>
public sealed record BadSubmission(string Rule, string Path, Func<byte[]> Body)
{
    public override string ToString() => Rule;
}

/// <summary>A bad submission per intake rule, shared by the reader tests and the CLI exit-code tests.</summary>
public static class BadSubmissions
{
    /// <summary>The cases as xunit theory data: rule name first, so each reads as a sentence in the results.</summary>
    public static IEnumerable<object[]> TheoryData => All.Select(c => new object[] { c.Rule, c.Path });

    /// <summary>The case with the given rule name.</summary>
    public static BadSubmission Named(string rule) => All.Single(c => c.Rule == rule);

    private static JsonObject Override(string? legalBasis = "vital-interests", bool authoriser = true, string? justification = "Immediate overdose risk on release.")
    {
        var o = new JsonObject();
        if (legalBasis is not null)
        {
            o["legalBasis"] = legalBasis;
        }

        if (authoriser)
        {
            o["authorisedBy"] = new JsonObject { ["name"] = "Dr R Jones" };
        }

        if (justification is not null)
        {
            o["justification"] = justification;
        }

        return o;
    }

    /// <summary>Every case.</summary>
    public static IReadOnlyList<BadSubmission> All { get; } =
    [
        new("An_unknown_field_is_refused_naming_it", "dir.client.favouriteColour", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["favouriteColour"] = "blue")),
        new("A_missing_required_field_is_refused_naming_it", "dir.client.surname", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!.AsObject().Remove("surname"))),
        new("A_bad_NHS_number_check_digit_is_refused_naming_the_field", "dir.client.nhsNumber", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["nhsNumber"] = "4010232138")),
        new("An_NHS_number_status_outside_the_UK_Core_codes_is_refused", "dir.client.nhsNumberStatus", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["nhsNumberStatus"] = "09")),
        new("An_NHS_number_status_without_an_NHS_number_is_refused", "dir.client.nhsNumberStatus", () => Examples.Variant(Examples.Transfer, j =>
        {
            j["dir"]!["client"]!.AsObject().Remove("nhsNumber");
            j["dir"]!["client"]!["nhsNumberStatus"] = "01";
        })),
        new("An_NHS_number_of_the_wrong_length_is_refused", "dir.client.nhsNumber", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["nhsNumber"] = "401023213")),
        new("A_date_time_without_offset_is_refused_naming_the_field", "event.occurredAt", () => Examples.Variant(Examples.Transfer, j => j["event"]!["occurredAt"] = "2026-02-04T07:15:00")),
        new("A_last_dose_time_without_offset_is_refused", "prescribing.lastDose.administeredAt", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["administeredAt"] = "2026-02-04T06:45")),
        new("An_impossible_date_is_refused", "dir.client.dateOfBirth", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["dateOfBirth"] = "1979-02-30")),
        new("A_value_outside_an_enumeration_is_refused", "dir.substances[0].substance", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["substance"] = "spice")),
        new("A_dose_without_a_unit_is_refused", "prescribing.lastDose.dose.unit", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!.AsObject().Remove("unit"))),
        new("A_dose_in_an_unknown_unit_is_refused", "prescribing.lastDose.dose.unit", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!["unit"] = "drops")),
        new("A_zero_dose_is_refused", "prescribing.lastDose.dose.value", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!["lastDose"]!["dose"]!["value"] = 0)),
        new("A_rank_out_of_range_is_refused", "dir.substances[0].rank", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["rank"] = 4)),
        new("A_fractional_rank_is_refused", "dir.substances[0].rank", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]![0]!["rank"] = 1.5)),
        new("More_than_three_substances_are_refused", "dir.substances", () => Examples.Variant(Examples.Transfer, j =>
        {
            var substances = j["dir"]!["substances"]!.AsArray();
            foreach (var (rank, name) in new[] { (2, "crack"), (3, "alcohol"), (3, "cannabis") })
            {
                substances.Add(new JsonObject { ["rank"] = rank, ["substance"] = name });
            }
        })),
        new("A_bridging_prescription_over_28_days_is_refused", "prescribing.bridgingPrescription.days", () => Examples.Variant(Examples.ReleaseOst, j => j["prescribing"]!["bridgingPrescription"]!["days"] = 29)),
        new("A_repeated_substance_rank_is_refused", "dir.substances[1].rank", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["substances"]!.AsArray().Add(new JsonObject { ["rank"] = 1, ["substance"] = "crack" }))),
        new("A_repeated_consent_recipient_is_refused", "dir.consent.shareWith[2]", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["shareWith"]!.AsArray().Add("gp"))),
        new("A_bad_postcode_is_refused", "dir.client.address.postcode", () => Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["address"]!["postcode"] = "not a postcode")),
        new("A_submission_id_that_is_not_a_uuid_is_refused", "submissionId", () => Examples.Variant(Examples.Transfer, j => j["submissionId"] = "submission-1")),
        new("A_string_where_a_boolean_belongs_is_refused", "prescribing.onOst", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!["onOst"] = "yes")),
        new("Transfer_without_destination_is_refused_naming_event_to", "event.to", () => Examples.Variant(Examples.Transfer, j => j["event"]!.AsObject().Remove("to"))),
        new("Transfer_on_OST_without_last_dose_is_refused_naming_the_field", "prescribing.lastDose", () => Examples.Variant(Examples.Transfer, j => j["prescribing"]!.AsObject().Remove("lastDose"))),
        new("Release_with_active_methadone_but_no_onOst_and_no_last_dose_is_refused", "prescribing.lastDose", () => Examples.Variant(Examples.ReleaseOst, j =>
        {
            j["prescribing"]!.AsObject().Remove("onOst");
            j["prescribing"]!.AsObject().Remove("lastDose");
        })),
        new("Override_without_justification_is_refused_naming_the_field", "dir.consent.override.justification", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(justification: null))),
        new("Override_with_a_placeholder_justification_is_refused", "dir.consent.override.justification", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(justification: "aaaaaaaaaaaa"))),
        new("Override_with_a_too_short_justification_is_refused", "dir.consent.override.justification", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(justification: "risk"))),
        new("Override_without_authoriser_is_refused_naming_the_field", "dir.consent.override.authorisedBy", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(authoriser: false))),
        new("Override_without_legal_basis_is_refused_naming_the_field", "dir.consent.override.legalBasis", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(legalBasis: null))),
        new("Override_with_an_unknown_legal_basis_is_refused", "dir.consent.override.legalBasis", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["consent"]!["override"] = Override(legalBasis: "because"))),
        new("A_prison_event_without_dir_is_refused_naming_it", "dir", () => Examples.Variant(Examples.Transfer, j => j.Remove("dir"))),
        new("A_prison_event_with_in_reply_to_is_refused_naming_it", "event.inReplyTo", () => Examples.Variant(Examples.Transfer, j => j["event"]!["inReplyTo"] = "9a3f6c1e-2b7d-4e8f-a1c2-3d4e5f6a7b8c")),
        new("A_prison_event_with_a_reply_client_is_refused_naming_it", "client", () => Examples.Variant(Examples.Transfer, j => j["client"] = Examples.Json(Examples.Engagement)["client"]!.DeepClone())),
        new("A_planned_move_on_a_release_is_refused_naming_it", "event.plannedMoveAt", () => Examples.Variant(Examples.ReleaseOst, j => j["event"]!["plannedMoveAt"] = "2026-03-13T10:00:00+00:00")),
        new("A_planned_move_without_an_offset_is_refused", "event.plannedMoveAt", () => Examples.Variant(Examples.Transfer, j => j["event"]!["plannedMoveAt"] = "2026-02-04T10:00:00")),
        new("A_reception_reply_with_dir_is_refused_naming_it", "dir", () => Examples.Variant(Examples.ReceptionReply, j => j["dir"] = Examples.Json(Examples.Transfer)["dir"]!.DeepClone())),
        new("An_engagement_with_dir_is_refused_naming_it", "dir", () => Examples.Variant(Examples.Engagement, j => j["dir"] = Examples.Json(Examples.Transfer)["dir"]!.DeepClone())),
        new("A_reception_reply_without_in_reply_to_is_refused_naming_it", "event.inReplyTo", () => Examples.Variant(Examples.ReceptionReply, j => j["event"]!.AsObject().Remove("inReplyTo"))),
        new("An_in_reply_to_that_is_not_a_message_id_is_refused", "event.inReplyTo", () => Examples.Variant(Examples.Engagement, j => j["event"]!["inReplyTo"] = "msg-1")),
        new("A_reception_reply_addressed_with_event_to_is_refused", "event.to", () => Examples.Variant(Examples.ReceptionReply, j => j["event"]!["to"] = "HLI")),
        new("An_engagement_addressed_with_event_to_is_refused", "event.to", () => Examples.Variant(Examples.Engagement, j => j["event"]!["to"] = "HLI")),
        new("A_reply_without_client_is_refused_naming_it", "client", () => Examples.Variant(Examples.Engagement, j => j.Remove("client"))),
        new("A_reply_client_with_neither_NHS_nor_prison_number_is_refused", "client", () => Examples.Variant(Examples.Engagement, j =>
        {
            j["client"]!.AsObject().Remove("nhsNumber");
            j["client"]!.AsObject().Remove("prisonNumber");
        })),
        new("A_reply_client_with_a_bad_NHS_number_is_refused", "client.nhsNumber", () => Examples.Variant(Examples.ReceptionReply, j => j["client"]!["nhsNumber"] = "4010232138")),
        new("A_reply_client_with_a_DIR_only_field_is_refused", "client.gpPractice", () => Examples.Variant(Examples.ReceptionReply, j => j["client"]!["gpPractice"] = "B82005")),
        new("A_reception_reply_without_community_is_refused_naming_it", "community", () => Examples.Variant(Examples.ReceptionReply, j => j.Remove("community"))),
        new("A_reception_reply_without_last_dispensed_on_is_refused", "community.lastDispensedOn", () => Examples.Variant(Examples.ReceptionReply, j => j["community"]!.AsObject().Remove("lastDispensedOn"))),
        new("A_reception_reply_without_supervised_is_refused", "community.supervised", () => Examples.Variant(Examples.ReceptionReply, j => j["community"]!.AsObject().Remove("supervised"))),
        new("A_reception_reply_dispensed_after_it_was_sent_is_refused", "community.lastDispensedOn", () => Examples.Variant(Examples.ReceptionReply, j => j["community"]!["lastDispensedOn"] = "2026-02-06")),
        new("A_suspension_before_the_last_dispensing_is_refused", "community.dispensingSuspendedFrom", () => Examples.Variant(Examples.ReceptionReply, j => j["community"]!["dispensingSuspendedFrom"] = "2026-02-03")),
        new("A_reception_reply_without_prescribing_is_refused_naming_it", "prescribing", () => Examples.Variant(Examples.ReceptionReply, j => j.Remove("prescribing"))),
        new("A_reception_reply_with_an_engagement_is_refused_naming_it", "engagement", () => Examples.Variant(Examples.ReceptionReply, j => j["engagement"] = Examples.Json(Examples.Engagement)["engagement"]!.DeepClone())),
        new("An_engagement_without_engagement_is_refused_naming_it", "engagement", () => Examples.Variant(Examples.Engagement, j => j.Remove("engagement"))),
        new("An_engagement_without_outcome_is_refused_naming_it", "engagement.outcome", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!.AsObject().Remove("outcome"))),
        new("An_engagement_outcome_outside_the_list_is_refused", "engagement.outcome", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["outcome"] = "no-show")),
        new("An_engagement_without_date_is_refused_naming_it", "engagement.date", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!.AsObject().Remove("date"))),
        new("An_engagement_dated_after_it_was_sent_is_refused", "engagement.date", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["date"] = "2026-03-21")),
        new("A_next_appointment_before_the_engagement_is_refused", "engagement.nextAppointment", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["nextAppointment"] = "2026-03-15T10:00:00+00:00")),
        new("A_next_appointment_for_a_person_not_known_to_the_service_is_refused", "engagement.nextAppointment", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["outcome"] = "not-known-to-service")),
        new("An_engagement_with_prescribing_is_refused_naming_it", "prescribing", () => Examples.Variant(Examples.Engagement, j => j["prescribing"] = new JsonObject { ["onOst"] = true })),
        new("An_engagement_with_an_unknown_field_is_refused_naming_it", "engagement.keyworker", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["keyworker"] = "Sam")),
        new("An_engagement_note_of_only_whitespace_is_refused", "engagement.note", () => Examples.Variant(Examples.Engagement, j => j["engagement"]!["note"] = "   ")),
        new("A_duplicate_key_is_refused_naming_it", "dir.client.surname", () => Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer).Replace("\"surname\": \"Sample\"", "\"surname\": \"Sample\", \"surname\": \"Other\"", StringComparison.Ordinal))),
        new("Invalid_JSON_is_refused", "submissionId", () => "{\"submissionId\": "u8.ToArray()),
        new("A_body_over_1_MB_is_refused", "$", () => Encoding.UTF8.GetBytes(new string(' ', (1024 * 1024) + 1))),
        new("Nesting_deeper_than_64_is_refused", "$", () => Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000))),
        new("Nesting_deeper_than_64_inside_a_field_is_refused_naming_it", "dir.dirId", () => Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer).Replace("\"DIR-BMI-2026-000112\"", new string('[', 70) + new string(']', 70), StringComparison.Ordinal))),
    ];
}
