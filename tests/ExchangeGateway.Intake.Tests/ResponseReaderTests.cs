using System.Text;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Intake.Tests;

public class ResponseReaderTests
{
    private const string By = """{"name":"Dr A Patel","role":"Prison GP"}""";

    private static ResponseRead Read(string json) => ResponseReader.Read(Encoding.UTF8.GetBytes(json));

    private static void AssertRefusedAt(ResponseRead read, string path, string? reasonPart = null)
    {
        Assert.False(read.IsValid);
        Assert.Null(read.Response);
        Assert.True(
            read.Errors.Any(e => e.Path == path && (reasonPart is null || e.Reason.Contains(reasonPart, StringComparison.Ordinal))),
            $"expected an error at {path} ({reasonPart}), got: {string.Join("; ", read.Errors)}");
    }

    [Fact]
    public void A_valid_acceptance_is_read_with_every_field()
    {
        var read = Read("""
            {"outcome":"accepted","by":{"name":" J Okafor ","role":"Substance misuse nurse","professionalId":"NMC 12A3456B"},
             "note":"Expected on the 14th.","cannotContinue":[{"medication":"Buvidal 128 mg weekly","reason":"Not on the formulary."}]}
            """);

        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        var response = read.Response!;
        Assert.Equal(ResponseOutcome.Accepted, response.Outcome);
        Assert.Equal(new Responder("J Okafor", "Substance misuse nurse", "NMC 12A3456B"), response.By);
        Assert.Equal("Expected on the 14th.", response.Note);
        Assert.Null(response.Reason);
        Assert.Equal(new CannotContinue("Buvidal 128 mg weekly", "Not on the formulary."), Assert.Single(response.CannotContinue!));
    }

    [Fact]
    public void A_valid_rejection_is_read_with_its_reason()
    {
        var read = Read($$"""{"outcome":"rejected","by":{{By}},"reason":"Not held here."}""");

        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        Assert.Equal(ResponseOutcome.Rejected, read.Response!.Outcome);
        Assert.Equal("Not held here.", read.Response.Reason);
    }

    [Fact]
    public void A_rejection_without_a_reason_is_read_because_that_rule_is_the_domains()
    {
        // ResponseRules.Check refuses it after reading; the reader only reads the contract.
        Assert.True(Read($$"""{"outcome":"rejected","by":{{By}}}""").IsValid);
    }

    [Theory]
    [InlineData("""{"by":{"name":"A","role":"B"}}""", "outcome")]
    [InlineData("""{"outcome":"accepted"}""", "by")]
    [InlineData("""{"outcome":"accepted","by":{"role":"B"}}""", "by.name")]
    [InlineData("""{"outcome":"accepted","by":{"name":"A"}}""", "by.role")]
    public void A_missing_required_field_is_named(string json, string path) => AssertRefusedAt(Read(json), path, "is required");

    [Fact]
    public void A_by_that_is_not_an_object_is_refused_at_by() => AssertRefusedAt(Read("""{"outcome":"accepted","by":"Dr A Patel"}"""), "by", "must be an object");

    [Theory]
    [InlineData("maybe")]
    [InlineData("Accepted")]
    [InlineData("accept")]
    public void An_outcome_that_is_neither_accepted_nor_rejected_is_refused(string outcome) =>
        AssertRefusedAt(Read($$"""{"outcome":"{{outcome}}","by":{{By}}}"""), "outcome", "must be \"accepted\" or \"rejected\"");

    [Fact]
    public void An_outcome_with_spaces_around_it_is_read_trimmed_like_all_text() =>
        Assert.Equal(ResponseOutcome.Rejected, Read($$"""{"outcome":" rejected ","by":{{By}}}""").Response?.Outcome);

    [Fact]
    public void An_outcome_that_is_not_a_string_is_refused() => AssertRefusedAt(Read($$"""{"outcome":1,"by":{{By}}}"""), "outcome", "must be a string");

    [Theory]
    [InlineData("""{"outcome":"accepted","by":{"name":"A","role":"B"},"x":1}""", "x")]
    [InlineData("""{"outcome":"accepted","by":{"name":"A","role":"B","x":1}}""", "by.x")]
    [InlineData("""{"outcome":"accepted","by":{"name":"A","role":"B"},"cannotContinue":[{"medication":"M","reason":"R","x":1}]}""", "cannotContinue[0].x")]
    public void An_unknown_field_is_named_with_its_path(string json, string path) => AssertRefusedAt(Read(json), path, "is not a field of a response");

    [Theory]
    [InlineData("[]")]
    [InlineData("\"Buvidal\"")]
    [InlineData("{\"medication\":\"M\",\"reason\":\"R\"}")]
    [InlineData("null")]
    public void A_cannot_continue_that_is_empty_or_not_an_array_is_refused(string value) =>
        AssertRefusedAt(Read($$"""{"outcome":"accepted","by":{{By}},"cannotContinue":{{value}}}"""), "cannotContinue", "must be a non-empty array");

    [Theory]
    [InlineData("""{"reason":"R"}""", "cannotContinue[1].medication")]
    [InlineData("""{"medication":"M"}""", "cannotContinue[1].reason")]
    [InlineData("""{"medication":"M","reason":"  "}""", "cannotContinue[1].reason")]
    [InlineData("\"M\"", "cannotContinue[1]")]
    public void A_cannot_continue_item_without_what_it_needs_is_named_with_its_index(string item, string path) =>
        AssertRefusedAt(Read($$"""{"outcome":"accepted","by":{{By}},"cannotContinue":[{"medication":"M","reason":"R"},{{item}}]}"""), path);

    [Theory]
    [InlineData("note", 2000)]
    [InlineData("reason", 2000)]
    public void Text_longer_than_its_limit_is_refused(string field, int limit)
    {
        var atLimit = Read($$"""{"outcome":"rejected","by":{{By}},"{{field}}":"{{new string('a', limit)}}"}""");
        var over = Read($$"""{"outcome":"rejected","by":{{By}},"{{field}}":"{{new string('a', limit + 1)}}"}""");

        Assert.True(atLimit.IsValid, string.Join("; ", atLimit.Errors));
        AssertRefusedAt(over, field, $"is longer than {limit} characters");
    }

    [Fact]
    public void A_name_longer_than_200_characters_is_refused() =>
        AssertRefusedAt(Read($$$"""{"outcome":"accepted","by":{"name":"{{{new string('a', 201)}}}","role":"B"}}"""), "by.name", "is longer than 200 characters");

    [Theory]
    [InlineData("note")]
    [InlineData("reason")]
    public void Line_breaks_and_tabs_are_allowed_in_free_text(string field)
    {
        var read = Read($$"""{"outcome":"rejected","by":{{By}},"{{field}}":"Seen weekly.\r\n\tNo concerns.\nTransferred."}""");

        Assert.True(read.IsValid, string.Join("; ", read.Errors));
        Assert.Contains("\r\n\tNo concerns.\n", field == "note" ? read.Response!.Note : read.Response!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_break_is_allowed_in_a_cannot_continue_reason() =>
        Assert.True(Read($$"""{"outcome":"accepted","by":{{By}},"cannotContinue":[{"medication":"M","reason":"Not stocked.\nOral offered."}]}""").IsValid);

    [Theory]
    [InlineData("note", "a\\u0007b")]
    [InlineData("reason", "a\\u0000b")]
    [InlineData("note", "a\\u001bb")]
    [InlineData("note", "a\\u0085b")]
    public void Other_control_characters_are_refused(string field, string escaped) =>
        AssertRefusedAt(Read($$"""{"outcome":"rejected","by":{{By}},"{{field}}":"{{escaped}}"}"""), field, "control characters");

    [Fact]
    public void A_control_character_in_a_name_is_refused() =>
        AssertRefusedAt(Read("""{"outcome":"accepted","by":{"name":"A\u0007","role":"B"}}"""), "by.name", "control characters");

    [Fact]
    public void A_key_given_twice_is_refused_naming_the_key() =>
        AssertRefusedAt(Read($$"""{"outcome":"accepted","by":{{By}},"outcome":"rejected"}"""), "outcome", "more than once");

    [Fact]
    public void A_key_given_twice_inside_by_is_refused_naming_its_path() =>
        AssertRefusedAt(Read("""{"outcome":"accepted","by":{"name":"A","role":"B","name":"C"}}"""), "by.name", "more than once");

    [Fact]
    public void A_lone_surrogate_is_refused_naming_the_key() =>
        AssertRefusedAt(Read($$"""{"outcome":"rejected","by":{{By}},"note":"a\ud800b"}"""), "note", "lone surrogate");

    [Fact]
    public void Invalid_utf8_is_refused_naming_the_key()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"outcome":"rejected","by":{{By}},"reason":"a_b"}""");
        body[Array.IndexOf(body, (byte)'_')] = 0xFF;

        AssertRefusedAt(ResponseReader.Read(body), "reason", "not valid Unicode");
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("\"accepted\"", "must be a JSON object")]
    [InlineData("[[[[[[\"deep\"]]]]]]", "nesting is deeper than 4 levels")]
    public void A_body_that_is_not_a_json_object_is_refused_at_the_root(string json, string reasonPart)
    {
        var read = Read(json);

        AssertRefusedAt(read, "$", reasonPart);
        Assert.Single(read.Errors);
    }

    [Fact]
    public void A_body_over_the_size_limit_is_refused_at_the_root_before_it_is_parsed()
    {
        var body = new byte[ResponseReader.MaxBytes + 1];
        Array.Fill(body, (byte)'[');

        var read = ResponseReader.Read(body);

        Assert.Equal(new ValidationError("$", $"the body is larger than {ResponseReader.MaxBytes} bytes"), Assert.Single(read.Errors));
    }

    [Fact]
    public void A_body_at_the_size_limit_is_read()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"outcome":"accepted","by":{{By}}}""".PadRight(ResponseReader.MaxBytes));

        Assert.Equal(ResponseReader.MaxBytes, body.Length);
        Assert.True(ResponseReader.Read(body).IsValid);
    }

    [Fact]
    public void Several_faults_are_all_named_at_once()
    {
        var read = Read("""{"outcome":"maybe","by":{"name":"A"},"note":"","cannotContinue":[]}""");

        Assert.Equal(["by.role", "cannotContinue", "note", "outcome"], read.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_canonical_form_is_the_same_whatever_the_spacing_and_key_order()
    {
        var compact = Read("""
            {"outcome":"accepted","by":{"name":"J Okafor","role":"Nurse","professionalId":"NMC 1"},"note":"N","cannotContinue":[{"medication":"M","reason":"R"}]}
            """);
        var spaced = Read("""
            {
              "cannotContinue": [ { "reason": "R", "medication": "M" } ],
              "note" :  "N",
              "by": { "professionalId": "NMC 1", "role": "Nurse", "name": "J Okafor" },
              "outcome": "accepted"
            }
            """);

        var canonical = ResponseReader.Canonical(compact.Response!).ToJsonString();
        Assert.Equal(canonical, ResponseReader.Canonical(spaced.Response!).ToJsonString());
        Assert.Equal(
            """{"outcome":"accepted","by":{"name":"J Okafor","role":"Nurse","professionalId":"NMC 1"},"note":"N","cannotContinue":[{"medication":"M","reason":"R"}]}""",
            canonical);
    }

    [Fact]
    public void The_canonical_form_leaves_absent_fields_out()
    {
        var read = Read("""{"outcome":"rejected","by":{"name":"A","role":"B"},"reason":"R"}""");

        Assert.Equal("""{"outcome":"rejected","by":{"name":"A","role":"B"},"reason":"R"}""", ResponseReader.Canonical(read.Response!).ToJsonString());
    }

    [Fact]
    public void The_canonical_form_reads_back_as_the_same_response()
    {
        var read = Read("""{"note":"N\nM","by":{"role":"B","name":"A"},"outcome":"accepted"}""");
        var again = ResponseReader.Read(Encoding.UTF8.GetBytes(ResponseReader.Canonical(read.Response!).ToJsonString()));

        Assert.Equal(read.Response, again.Response);
    }
}
