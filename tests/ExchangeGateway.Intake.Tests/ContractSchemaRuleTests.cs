namespace ExchangeGateway.Intake.Tests;

/// <summary>
/// The schema interpreter's conditions, the refusal of any keyword it does not check, and how a sender's value is shown
/// back in an error.
/// </summary>
public class ContractSchemaRuleTests
{
    private static List<string> Errors(string schema, string instance) => ContractSchemaKeywordTests.Errors(schema, instance);

    private const string ByKind = """
        {'allOf': [
          {'if': {'required': ['event'], 'properties': {'event': {'type': 'object', 'required': ['type'], 'properties': {'type': {'enum': ['release']}}}}}, 'then': {'required': ['dose'], 'properties': {'court': false}}},
          {'required': ['id']},
          {'if': {'required': ['x']}, 'then': {'required': ['y']}},
          {'if': {'required': ['a', 'b'], 'properties': {'a': {'enum': [1]}, 'b': {'enum': [2]}}}, 'then': {'required': ['z']}},
          {'if': {'properties': {'c': {'type': 'string'}}}}
        ]}
        """;

    [Fact]
    public void A_condition_that_holds_applies_its_rule_and_says_when()
    {
        Assert.Equal(
            ["dose: is required when event.type is \"release\"", "court: must not be given when event.type is \"release\""],
            Errors(ByKind, "{'id': 1, 'event': {'type': 'release'}, 'court': 1}"));
    }

    [Fact]
    public void A_condition_that_does_not_hold_applies_nothing()
    {
        Assert.Empty(Errors(ByKind, "{'id': 1, 'event': {'type': 'transfer'}, 'court': 1}"));
        Assert.Empty(Errors(ByKind, "{'id': 1, 'event': 'release'}"));
    }

    [Fact]
    public void A_part_without_a_condition_always_applies()
    {
        Assert.Equal(["id: is required"], Errors(ByKind, "{}"));
    }

    [Fact]
    public void A_condition_not_about_one_value_applies_its_rule_without_saying_when()
    {
        Assert.Equal(["y: is required"], Errors(ByKind, "{'id': 1, 'x': 1}"));
        Assert.Equal(["z: is required"], Errors(ByKind, "{'id': 1, 'a': 1, 'b': 2}"));
        Assert.Empty(Errors(ByKind, "{'id': 1, 'a': 1, 'b': 3}"));
    }

    [Fact]
    public void A_condition_without_a_rule_adds_nothing_even_when_it_holds()
    {
        Assert.Empty(Errors(ByKind, "{'id': 1, 'c': 'text'}"));
    }

    [Theory]
    [InlineData("{'if': {'const': 1}}", "'const' at #/if")]
    [InlineData("{'properties': {'a': {'oneOf': []}}}", "'oneOf' at #/properties/a")]
    [InlineData("{'$defs': {'d': {'else': {}}}}", "'else' at #/$defs/d")]
    [InlineData("{'items': {'contains': {}}}", "'contains' at #/items")]
    [InlineData("{'then': {'not': {}}}", "'not' at #/then")]
    [InlineData("{'allOf': [{}, {'anyOf': []}]}", "'anyOf' at #/allOf/1")]
    [InlineData("{'properties': {'a': {'properties': {'b': {'minItems': 1}}}}}", "'minItems' at #/properties/a/properties/b")]
    public void A_schema_using_a_keyword_the_intake_does_not_check_is_refused_at_load_naming_where(string schema, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContractSchema.Parse(schema.Replace('\'', '"')));
        Assert.Equal($"the schema uses {named}, which the intake does not check", error.Message);
    }

    [Fact]
    public void Annotations_and_boolean_schemas_are_taken_at_load()
    {
        var schema = "{'$schema': 'x', '$id': 'y', 'title': 't', 'description': 'd', '$defs': {'n': true}, 'properties': {'a': false}}";
        Assert.Empty(Errors(schema, "{}"));
    }

    [Fact]
    public void A_type_or_format_the_intake_does_not_check_is_refused_not_ignored()
    {
        var type = Assert.Throws<InvalidOperationException>(() => Errors("{'type': 'null'}", "null"));
        Assert.Equal("the schema uses type 'null', which the intake does not check", type.Message);
        var format = Assert.Throws<InvalidOperationException>(() => Errors("{'format': 'email'}", "'a@b'"));
        Assert.Equal("the schema uses format 'email', which the intake does not check", format.Message);
    }

    [Fact]
    public void A_reference_outside_the_schema_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Errors("{'$ref': 'https://example.org/s.json'}", "1"));
        Assert.Equal("the schema reference 'https://example.org/s.json' is not a local definition", error.Message);
    }

    [Fact]
    public void A_long_value_is_shown_cut_at_60_characters_and_one_of_60_whole()
    {
        var sixty = new string('a', 60);
        Assert.Equal([$"$: \"{sixty}\" does not have the expected form (^b)"], Errors("{'pattern': '^b'}", $"'{sixty}'"));
        Assert.Equal([$"$: \"{sixty}…\" does not have the expected form (^b)"], Errors("{'pattern': '^b'}", $"'{sixty}a'"));
    }

    [Fact]
    public void Invisible_characters_in_a_value_are_shown_as_escapes_so_they_cannot_reshape_the_error()
    {
        // A tab, a right-to-left override, a line separator, a paragraph separator and an emoji (a surrogate pair).
        Assert.Equal(
            ["$: \"x\\u0009\\u202E\\u2028\\u2029\\uD83D\\uDE00é\" does not have the expected form (^b)"],
            Errors("{'pattern': '^b'}", "'x\\t\\u202e\\u2028\\u2029\\ud83d\\ude00é'"));
    }
}
