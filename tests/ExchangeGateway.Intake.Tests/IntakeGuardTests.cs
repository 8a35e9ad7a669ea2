using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExchangeGateway.Domain;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

/// <summary>
/// The intake's guards below the schema: the size bound at its edge, the structure scan's exact words and paths, the
/// pattern rewrite of a trailing backslash, and the records never built holding a null the domain says cannot be.
/// </summary>
public class IntakeGuardTests
{
    private static List<string> Scan(string json, int depth = 64) =>
        StructureScan.Check(Encoding.UTF8.GetBytes(json), depth).Select(e => $"{e.Path}: {e.Reason}").ToList();

    [Fact]
    public void A_body_of_exactly_1_MB_is_read_not_refused_for_its_size()
    {
        var body = new byte[SubmissionReader.MaxBytes];
        Array.Fill(body, (byte)' ');

        var errors = SubmissionReader.Read(body).Errors;

        Assert.DoesNotContain(errors, e => e.Reason.Contains("1 MB", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Reason.StartsWith("the body is not valid JSON", StringComparison.Ordinal));
    }

    [Fact]
    public void A_body_over_1_MB_is_refused_saying_its_size_and_the_limit()
    {
        var error = Assert.Single(SubmissionReader.Read(new byte[SubmissionReader.MaxBytes + 1]).Errors);
        Assert.Equal(new ValidationError("$", "the body is 1048577 bytes; the limit is 1048576 bytes (1 MB)"), error);
    }

    [Fact]
    public void A_result_is_valid_only_with_a_record_and_no_errors()
    {
        var submission = SubmissionReader.Read(Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer))).Submission!;
        var error = new ValidationError("$", "x");
        Assert.True(new IntakeResult(submission, []).IsValid);
        Assert.False(new IntakeResult(submission, [error]).IsValid);
        Assert.False(new IntakeResult(null, []).IsValid);
        var response = new BusinessResponse(ResponseOutcome.Accepted, new Responder("A", "B", null), null, null, null);
        Assert.True(new ResponseRead(response, []).IsValid);
        Assert.False(new ResponseRead(response, [error]).IsValid);
        Assert.False(new ResponseRead(null, []).IsValid);
    }

    [Fact]
    public void A_syntax_error_is_placed_by_line_and_byte_counted_from_one()
    {
        Assert.Equal(["a[1]: the body is not valid JSON (line 2, byte 7)"], Scan("{\"a\":\n  [1, }"));
    }

    [Fact]
    public void A_bad_value_after_an_object_in_a_list_is_named_at_its_own_index()
    {
        Assert.Equal(["a[2].y: is not valid Unicode text (invalid UTF-8 or a lone surrogate)"], Scan("{\"a\": [{\"x\": 1}, [2], {\"y\": \"\\ud800\"}]}"));
    }

    [Fact]
    public void A_key_that_is_not_Unicode_is_refused_in_those_words()
    {
        Assert.Equal(["a: a key in this object is not valid Unicode text (invalid UTF-8 or a lone surrogate)"], Scan("{\"a\": {\"\\udc00\": 1}}"));
    }

    [Fact]
    public void A_pattern_ending_in_a_lone_backslash_is_left_for_the_regex_compiler_to_refuse()
    {
        Assert.Equal("a\\", EcmaPattern.ToDotNet("a\\"));
        Assert.Equal("\\", EcmaPattern.ToDotNet("\\"));
        Assert.Equal("\\z", EcmaPattern.ToDotNet("$"));
    }

    [Fact]
    public void A_response_field_given_as_null_is_taken_as_absent()
    {
        var read = ResponseReader.Read(Encoding.UTF8.GetBytes("""{"outcome":null,"by":{"name":"A","role":"B","professionalId":null},"note":null}"""));
        Assert.Equal([new ValidationError("outcome", "is required")], read.Errors);
    }

    [Fact]
    public void A_response_field_of_the_wrong_kind_or_blank_is_named_with_its_full_path()
    {
        var read = ResponseReader.Read(Encoding.UTF8.GetBytes("""{"outcome":"accepted","by":{"name":"A","role":"B","professionalId":7},"reason":"   "}"""));
        Assert.Equal([new ValidationError("by.professionalId", "must be a string"), new ValidationError("reason", "must not be empty")], read.Errors);
    }

    [Fact]
    public void Reading_or_writing_nothing_is_a_programming_error_not_an_empty_answer()
    {
        Assert.Throws<ArgumentNullException>(() => ResponseReader.Read(null!));
        Assert.Throws<ArgumentNullException>(() => ResponseReader.Canonical(null!));
    }

    [Fact]
    public void A_record_is_never_built_with_a_null_where_the_domain_has_none()
    {
        // The schema refuses both first; this is the guard that keeps the domain rules from ever meeting one.
        var nullField = JsonNode.Parse(Examples.Text(Examples.Transfer))!;
        nullField["event"] = null;
        var nullItem = JsonNode.Parse(Examples.Text(Examples.ReleaseOst))!;
        nullItem["dir"]!["substances"]!.AsArray().Add(null);

        Assert.Null(SubmissionJson.TryDeserialize(JsonSerializer.SerializeToElement(nullField)));
        Assert.Null(SubmissionJson.TryDeserialize(JsonSerializer.SerializeToElement(nullItem)));
        Assert.NotNull(SubmissionJson.TryDeserialize(JsonDocument.Parse(Examples.Text(Examples.ReleaseOst)).RootElement));
    }

    [Fact]
    public void A_submission_is_written_indented_in_contract_form()
    {
        var submission = SubmissionReader.Read(Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer))).Submission!;

        var text = SubmissionJson.Serialize(submission);

        Assert.StartsWith("{\n  \"submissionId\": ", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(SubmissionReader.Read(Encoding.UTF8.GetBytes(text)).Errors);
    }
}
