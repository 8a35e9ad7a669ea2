using System.Text.Json;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake.Tests;

/// <summary>
/// The schema interpreter keyword by keyword, each with a schema of its own: the exact path and reason a sender reads,
/// and each bound at and past its edge. (The contract's own rules are pinned through submissions elsewhere.)
/// </summary>
public class ContractSchemaKeywordTests
{
    // Schemas are written with ' for " so they read inline.
    internal static List<string> Errors(string schema, string instance)
    {
        var errors = new List<ValidationError>();
        using var document = JsonDocument.Parse(instance.Replace('\'', '"'));
        ContractSchema.Parse(schema.Replace('\'', '"')).Validate(document.RootElement, errors);
        return errors.Select(e => $"{e.Path}: {e.Reason}").ToList();
    }

    [Fact]
    public void A_false_schema_refuses_its_field_and_a_true_schema_takes_anything()
    {
        const string schema = "{'properties': {'a': false, 'b': true}}";
        Assert.Equal(["a: is not allowed here"], Errors(schema, "{'a': 1, 'b': {'c': [1]}}"));
        Assert.Empty(Errors(schema, "{'b': null}"));
    }

    [Theory]
    [InlineData("object", "[]", "$: must be an object, not an array")]
    [InlineData("array", "{}", "$: must be an array, not an object")]
    [InlineData("string", "5", "$: must be a string, not the number 5")]
    [InlineData("boolean", "null", "$: must be true or false, not null")]
    [InlineData("number", "'5'", "$: must be a number, not a string")]
    [InlineData("integer", "true", "$: must be a whole number, not true")]
    [InlineData("integer", "1.5", "$: must be a whole number, not the number 1.5")]
    [InlineData("integer", "3000000000", "$: must be a whole number, not the number 3000000000")]
    [InlineData("number", "1e400", "$: must be a number, not the number 1e400")]
    public void A_value_of_the_wrong_type_is_refused_saying_what_it_is_and_what_was_wanted(string type, string instance, string error) =>
        Assert.Equal([error], Errors($"{{'type': '{type}'}}", instance));

    [Theory]
    [InlineData("object", "{}")]
    [InlineData("array", "[]")]
    [InlineData("string", "''")]
    [InlineData("boolean", "true")]
    [InlineData("boolean", "false")]
    [InlineData("number", "1.5")]
    [InlineData("integer", "-7")]
    public void A_value_of_the_right_type_passes(string type, string instance) =>
        Assert.Empty(Errors($"{{'type': '{type}'}}", instance));

    [Fact]
    public void A_wrong_type_is_the_only_error_for_its_value()
    {
        Assert.Equal(["$: must be a string, not an object"], Errors("{'type': 'string', 'required': ['a']}", "{}"));
    }

    [Fact]
    public void An_enum_compares_whole_values_and_lists_what_is_allowed()
    {
        const string schema = "{'enum': ['a', 1, {'k': [true]}]}";
        Assert.Empty(Errors(schema, "'a'"));
        Assert.Empty(Errors(schema, "{'k': [true]}"));
        Assert.Equal(["$: {\"k\": [false]} is not one of the allowed values: \"a\", 1, {\"k\": [true]}"], Errors(schema, "{'k': [false]}"));
        Assert.Equal(["$: \"b\" is not one of the allowed values: \"a\", 1, {\"k\": [true]}"], Errors(schema, "'b'"));
    }

    [Fact]
    public void An_enum_refusal_stops_further_checks_of_that_value()
    {
        Assert.Equal(["$: \"ab\" is not one of the allowed values: \"a\""], Errors("{'enum': ['a'], 'maxLength': 1}", "'ab'"));
    }

    [Fact]
    public void Required_fields_are_named_by_their_full_path()
    {
        const string schema = "{'required': ['a'], 'properties': {'a': {'required': ['b', 'c']}}}";
        Assert.Equal(["a: is required"], Errors(schema, "{}"));
        Assert.Equal(["a.b: is required", "a.c: is required"], Errors(schema, "{'a': {}}"));
        Assert.Empty(Errors(schema, "{'a': {'b': null, 'c': 0}}"));
    }

    [Fact]
    public void Unknown_fields_are_refused_only_where_the_object_is_closed()
    {
        Assert.Equal(["x.y: is not a field of the submission contract"],
            Errors("{'properties': {'x': {'additionalProperties': false, 'properties': {'z': {}}}}}", "{'w': 1, 'x': {'y': 1, 'z': 1}}"));
        Assert.Empty(Errors("{'additionalProperties': true}", "{'y': 1}"));
        Assert.Empty(Errors("{'properties': {'z': {}}}", "{'y': 1}"));
        Assert.Equal(["y: is not a field of the submission contract"], Errors("{'additionalProperties': false}", "{'y': 1}"));
    }

    [Fact]
    public void Items_are_checked_each_at_its_index()
    {
        Assert.Equal(["a[1]: must be a string, not the number 2", "a[2]: must be a string, not null"],
            Errors("{'properties': {'a': {'items': {'type': 'string'}}}}", "{'a': ['x', 2, null]}"));
    }

    [Fact]
    public void More_items_than_allowed_are_refused_and_exactly_as_many_pass()
    {
        const string schema = "{'maxItems': 2}";
        Assert.Empty(Errors(schema, "[1, 2]"));
        Assert.Equal(["$: has 3 items; at most 2 are allowed"], Errors(schema, "[1, 2, 3]"));
    }

    [Fact]
    public void A_repeated_item_is_named_at_each_repetition_when_items_must_be_unique()
    {
        Assert.Equal(["$[2]: \"a\" is listed more than once", "$[3]: \"a\" is listed more than once"],
            Errors("{'uniqueItems': true}", "['a', 'b', 'a', 'a']"));
        Assert.Empty(Errors("{'uniqueItems': true}", "['a', 'b', {'a': 1}, {'a': 2}]"));
        Assert.Empty(Errors("{'uniqueItems': false}", "['a', 'a']"));
    }

    [Fact]
    public void String_lengths_are_checked_at_and_past_each_bound()
    {
        Assert.Equal(["$: must not be empty"], Errors("{'minLength': 1}", "''"));
        Assert.Empty(Errors("{'minLength': 1}", "'a'"));
        Assert.Equal(["$: must be at least 3 characters"], Errors("{'minLength': 3}", "'ab'"));
        Assert.Empty(Errors("{'minLength': 3}", "'abc'"));
        Assert.Equal(["$: is 4 characters; at most 3 are allowed"], Errors("{'maxLength': 3}", "'abcd'"));
        Assert.Empty(Errors("{'maxLength': 3}", "'abc'"));
    }

    [Fact]
    public void A_pattern_must_match_the_whole_value_and_its_refusal_shows_the_pattern()
    {
        const string schema = "{'pattern': '^[0-9]+$'}";
        Assert.Empty(Errors(schema, "'123'"));
        Assert.Equal(["$: \"12a\" does not have the expected form (^[0-9]+$)"], Errors(schema, "'12a'"));
        Assert.Equal(["$: \"123\\u000A\" does not have the expected form (^[0-9]+$)"], Errors(schema, "'123\\n'"));
    }

    [Theory]
    [InlineData("2026-02-28", true)]
    [InlineData("2028-02-29", true)]
    [InlineData("2026-02-29", false)]
    [InlineData("2026-2-28", false)]
    [InlineData("2026-02-28 ", false)]
    [InlineData("20260-02-28", false)]
    [InlineData("26-02-28", false)]
    public void A_date_must_be_a_real_calendar_date_written_yyyy_mm_dd(string text, bool valid) =>
        Assert.Equal(valid ? [] : [$"$: \"{text}\" must be a calendar date, yyyy-mm-dd"], Errors("{'format': 'date'}", $"'{text}'"));

    [Theory]
    [InlineData("2026-03-13T09:30:00Z", true)]
    [InlineData("2026-03-13T09:30:00+01:00", true)]
    [InlineData("2026-03-13T09:30:00.123456789-05:30", true)]
    [InlineData("2026-03-13T09:30Z", false)]
    [InlineData("2026-03-13T09:30:00", false)]
    [InlineData("2026-03-13 09:30:00Z", false)]
    [InlineData("2026-02-30T09:30:00Z", false)]
    [InlineData("2026-03-13T25:30:00Z", false)]
    [InlineData("2026-03-13T09:30:00.1234567890Z", false)]
    public void A_date_time_must_have_seconds_and_an_offset_and_be_real(string text, bool valid) =>
        Assert.Equal(
            valid ? [] : [$"$: \"{text}\" must be a date-time with seconds and an offset, e.g. 2026-03-13T09:30:00+00:00"],
            Errors("{'format': 'date-time'}", $"'{text}'"));

    [Theory]
    [InlineData("6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81", true)]
    [InlineData("6F1C2A3E-7B8D-4E2F-9A10-3C4D5E6F7A81", true)]
    [InlineData("6f1c2a3e7b8d4e2f9a103c4d5e6f7a81", false)]
    [InlineData("{6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81}", false)]
    [InlineData("6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a8", false)]
    [InlineData("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", false)]
    public void A_uuid_must_be_written_in_its_hyphenated_form(string text, bool valid) =>
        Assert.Equal(
            valid ? [] : [$"$: \"{text}\" must be a UUID, e.g. 6f1c2a3e-7b8d-4e2f-9a10-3c4d5e6f7a81"],
            Errors("{'format': 'uuid'}", $"'{text}'"));

    [Fact]
    public void Numbers_are_checked_against_each_bound_at_and_past_its_edge()
    {
        const string schema = "{'minimum': 1, 'maximum': 10}";
        Assert.Empty(Errors(schema, "1"));
        Assert.Empty(Errors(schema, "10"));
        Assert.Equal(["$: 0.5 is below the minimum 1"], Errors(schema, "0.5"));
        Assert.Equal(["$: 10.5 is above the maximum 10"], Errors(schema, "10.5"));
        Assert.Equal(["$: 0 must be greater than 0"], Errors("{'exclusiveMinimum': 0}", "0"));
        Assert.Equal(["$: -1 must be greater than 0"], Errors("{'exclusiveMinimum': 0}", "-1"));
        Assert.Empty(Errors("{'exclusiveMinimum': 0}", "0.001"));
    }

    [Fact]
    public void A_number_too_large_to_compare_is_an_error_not_a_crash()
    {
        Assert.Equal(["a: is a number out of range"], Errors("{'properties': {'a': {'minimum': 1}}}", "{'a': 1e400}"));
    }

    [Fact]
    public void A_reference_is_followed_into_the_definitions()
    {
        const string schema = "{'$defs': {'code': {'type': 'string', 'maxLength': 2}}, 'properties': {'a': {'$ref': '#/$defs/code'}}}";
        Assert.Empty(Errors(schema, "{'a': 'ab'}"));
        Assert.Equal(["a: is 3 characters; at most 2 are allowed"], Errors(schema, "{'a': 'abc'}"));
    }
}
