using System.Text;
using System.Text.Json.Nodes;

namespace ExchangeGateway.TestData;

/// <summary>
/// Text that is not text, formats that match only before a trailing newline, and implausible values: each must be
/// refused naming its field, by the reader, by <c>exg map</c> and over HTTP, never with a crash.
/// </summary>
public static class HostileSubmissions
{
    /// <summary>The cases as xunit theory data: rule name first.</summary>
    public static IEnumerable<object[]> TheoryData => All.Select(c => new object[] { c.Rule, c.Path });

    /// <summary>The case with the given rule name.</summary>
    public static BadSubmission Named(string rule) => All.Single(c => c.Rule == rule);

    /// <summary>Every case.</summary>
    public static IReadOnlyList<BadSubmission> All { get; } =
    [
        .. InvalidUnicode(),
        .. TrailingNewlines(),
        .. NotText(),
        new("A_date_of_birth_in_the_future_is_refused", "dir.client.dateOfBirth", () => Client(c => c["dateOfBirth"] = "2090-01-01")),
        new("A_date_of_birth_more_than_120_years_before_the_event_is_refused", "dir.client.dateOfBirth", () => Client(c => c["dateOfBirth"] = "1905-02-03")),
        new("An_NHS_number_of_zeros_is_refused_as_a_placeholder", "dir.client.nhsNumber", () => Client(c => c["nhsNumber"] = "0000000000")),
        new("An_NHS_number_of_nines_is_refused_as_a_placeholder", "dir.client.nhsNumber", () => Client(c => c["nhsNumber"] = "9999999999")),
    ];

    private static IEnumerable<BadSubmission> InvalidUnicode()
    {
        yield return new("A_lone_high_surrogate_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", "\"Sa\\ud800mple\""u8));
        yield return new("A_lone_low_surrogate_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", "\"\\udc00\""u8));
        yield return new("A_reversed_surrogate_pair_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", "\"\\udc00\\ud800\""u8));
        yield return new("A_lone_surrogate_in_a_key_is_refused", "dir.client", () => Raw("\"surname\"", "\"\\ud800\": 1, \"surname\""u8));
        yield return new("An_invalid_UTF8_byte_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", [(byte)'"', (byte)'S', 0xFF, (byte)'"']));
        yield return new("An_overlong_UTF8_sequence_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", [(byte)'"', 0xC0, 0xAF, (byte)'"']));
        yield return new("A_truncated_UTF8_sequence_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", [(byte)'"', 0xE2, 0x82, (byte)'"']));
        yield return new("A_UTF8_encoded_surrogate_in_a_value_is_refused", "dir.client.surname", () => Raw("\"Sample\"", [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"']));
        yield return new("An_invalid_UTF8_byte_in_a_key_is_refused", "dir.client", () => Raw("\"surname\"", [(byte)'"', 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)',', .. "\"surname\""u8]));
        yield return new("An_invalid_UTF8_byte_in_an_array_item_is_refused", "dir.consent.shareWith[1]", () => Raw("\"gp\"", [(byte)'"', 0xFF, (byte)'"']));
    }

    private static IEnumerable<BadSubmission> TrailingNewlines()
    {
        (string Field, string Path, Action<JsonObject> Change)[] fields =
        [
            ("NHS_number", "dir.client.nhsNumber", j => Append(j["dir"]!["client"]!, "nhsNumber")),
            ("prison_number", "dir.client.prisonNumber", j => Append(j["dir"]!["client"]!, "prisonNumber")),
            ("PNC_id", "dir.client.pncId", j => Append(j["dir"]!["client"]!, "pncId")),
            ("GP_practice", "dir.client.gpPractice", j => Append(j["dir"]!["client"]!, "gpPractice")),
            ("postcode", "dir.client.address.postcode", j => Append(j["dir"]!["client"]!["address"]!, "postcode")),
            ("release_postcode", "dir.releasePlan.releaseAddress.postcode", j => Append(j["dir"]!["releasePlan"]!["releaseAddress"]!, "postcode")),
            ("establishment", "dir.custody.establishment", j => Append(j["dir"]!["custody"]!, "establishment")),
            ("pharmacy", "prescribing.bridgingPrescription.pharmacy", j => Append(j["prescribing"]!["bridgingPrescription"]!, "pharmacy")),
            ("event_time", "event.occurredAt", j => Append(j["event"]!, "occurredAt")),
            ("last_dose_time", "prescribing.lastDose.administeredAt", j => Append(j["prescribing"]!["lastDose"]!, "administeredAt")),
            ("date_of_birth", "dir.client.dateOfBirth", j => Append(j["dir"]!["client"]!, "dateOfBirth")),
            ("release_date", "dir.releasePlan.releaseDate", j => Append(j["dir"]!["releasePlan"]!, "releaseDate")),
            ("submission_id", "submissionId", j => Append(j, "submissionId")),
            ("CJIT_area", "dir.releasePlan.cjitArea", j => Append(j["dir"]!["releasePlan"]!, "cjitArea")),
            ("sending_agency", "event.from", j => Append(j["event"]!, "from")),
        ];
        return fields.Select(f => new BadSubmission($"A_{f.Field}_with_a_trailing_newline_is_refused", f.Path, () => Examples.Variant(Examples.ReleaseOst, f.Change)));
    }

    private static IEnumerable<BadSubmission> NotText()
    {
        (string What, string Surname)[] surnames =
        [
            ("a_NUL", "Sam\0ple"),
            ("a_bell", "Sam\u0007ple"),
            ("an_escape_sequence", "\u001b[31mSample\u001b[0m"),
            ("an_embedded_newline", "Sam\nple"),
            ("a_tab", "Sam\tple"),
            ("a_C1_control", "Sam\u0085ple"),
            ("a_right_to_left_override", "\u202eelpmaS"),
            ("a_directional_isolate", "Sam\u2067ple\u2069"),
            ("only_zero_width_spaces", "\u200b\u200b"),
            ("only_whitespace", "   "),
            ("only_a_byte_order_mark", "\ufeff"),
            ("only_ideographic_and_line_separators", "\u3000\u2028\u2029"),
            ("the_noncharacter_FFFF", "Sam\uffffple"),
            ("the_noncharacter_FDD0", "Sam\ufdd0ple"),
            ("a_supplementary_plane_noncharacter", "Sam\U0001FFFEple"),
        ];
        foreach (var (what, surname) in surnames)
        {
            yield return new($"A_surname_with_{what}_is_refused", "dir.client.surname", () => Client(c => c["surname"] = surname));
        }

        yield return new("A_practitioner_name_with_a_right_to_left_override_is_refused", "dir.assessment.assessor.name", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["assessment"]!["assessor"]!["name"] = "Priya \u202eShah"));
        yield return new("A_DIR_id_with_a_control_character_is_refused", "dir.dirId", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["dirId"] = "DIR-\u0001"));
        yield return new("A_receiving_prison_with_a_newline_is_refused", "event.to", () => Examples.Variant(Examples.Transfer, j => j["event"]!["to"] = "SFI\n"));
        yield return new("Keyworker_notes_with_a_NUL_are_refused", "dir.keyworkerNotes", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["keyworkerNotes"] = "Seen weekly.\0"));
        yield return new("Keyworker_notes_of_only_whitespace_are_refused", "dir.keyworkerNotes", () => Examples.Variant(Examples.Transfer, j => j["dir"]!["keyworkerNotes"] = " \n\t "));
        yield return new("An_address_line_with_a_newline_is_refused", "dir.client.address.lines[0]", () => Examples.Variant(Examples.ReleaseOst, j => j["dir"]!["client"]!["address"]!["lines"]![0] = "12 Canal Street\nLeeds"));
    }

    private static byte[] Client(Action<JsonNode> change) => Examples.Variant(Examples.Transfer, j => change(j["dir"]!["client"]!));

    private static void Append(JsonNode holder, string field) => holder[field] = holder[field]!.GetValue<string>() + "\n";

    private static byte[] Raw(string find, ReadOnlySpan<byte> replacement)
    {
        var text = Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer));
        var at = text.AsSpan().IndexOf(Encoding.UTF8.GetBytes(find));
        if (at < 0)
        {
            throw new InvalidOperationException($"{find} is not in the transfer example");
        }

        return [.. text.AsSpan(0, at), .. replacement, .. text.AsSpan(at + Encoding.UTF8.GetByteCount(find))];
    }
}
