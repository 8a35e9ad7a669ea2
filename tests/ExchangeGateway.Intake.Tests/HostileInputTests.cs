using System.Text;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

public class HostileInputTests
{
    [Theory]
    [MemberData(nameof(HostileSubmissions.TheoryData), MemberType = typeof(HostileSubmissions))]
    public void Each_hostile_input_is_refused_naming_its_field(string rule, string path)
    {
        var result = SubmissionReader.Read(HostileSubmissions.Named(rule).Body(), new DateOnly(2026, 12, 3));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.Any(e => e.Path == path), $"expected an error at {path}, got: {string.Join("; ", result.Errors)}");
    }

    [Theory]
    [InlineData("O'Brien-Smith")]
    [InlineData("Zoë Ní Bhriain")]
    [InlineData("محمد")]
    [InlineData("王")]
    [InlineData("Sample Jr")]
    public void Real_names_in_any_script_are_accepted(string surname)
    {
        var body = Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["surname"] = surname);
        Assert.Empty(SubmissionReader.Read(body).Errors);
    }

    [Fact]
    public void An_error_shows_invisible_characters_of_the_value_as_escapes()
    {
        var body = Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["prisonNumber"] = "B7654CD\n\u202e");
        var error = SubmissionReader.Read(body).Errors.First(e => e.Path == "dir.client.prisonNumber" && e.Reason.Contains("expected form", StringComparison.Ordinal));
        Assert.Contains("B7654CD\\u000A\\u202E", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Reason);
    }

    [Fact]
    public void Free_text_may_hold_tabs_and_line_breaks()
    {
        var body = Examples.Variant(Examples.Transfer, j => j["dir"]!["keyworkerNotes"] = "Seen weekly.\r\n\tEngaged well.\nNo concerns.");
        Assert.Empty(SubmissionReader.Read(body).Errors);
    }

    [Fact]
    public void A_date_of_birth_after_today_is_refused_even_when_the_event_is_later()
    {
        var body = Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["dateOfBirth"] = "2026-01-01");
        var result = SubmissionReader.Read(body, new DateOnly(2025, 6, 1));
        Assert.Contains(result.Errors, e => e.Path == "dir.client.dateOfBirth" && e.Reason.Contains("future", StringComparison.Ordinal));
    }

    [Fact]
    public void A_person_aged_119_is_accepted()
    {
        var body = Examples.Variant(Examples.Transfer, j => j["dir"]!["client"]!["dateOfBirth"] = "1907-02-05");
        Assert.Empty(SubmissionReader.Read(body).Errors);
    }

    [Theory]
    [InlineData("^[A-Z]{3}$", "^[A-Z]{3}\\z")]
    [InlineData("^a[$]b$", "^a[$]b\\z")]
    [InlineData("^a\\$b$", "^a\\$b\\z")]
    [InlineData("^[^\\]$]x$", "^[^\\]$]x\\z")]
    public void A_schema_pattern_anchors_at_the_true_end_of_input(string ecma, string dotnet) =>
        Assert.Equal(dotnet, EcmaPattern.ToDotNet(ecma));

    [Fact]
    public void A_pattern_digit_class_takes_only_ASCII_digits()
    {
        // Arabic-Indic digits are digits to .NET's default \d but not to ECMA-262's.
        var body = Encoding.UTF8.GetBytes(Examples.Text(Examples.Transfer).Replace("4010232137", "٤٠١٠٢٣٢١٣٧", StringComparison.Ordinal));
        Assert.Contains(SubmissionReader.Read(body).Errors, e => e.Path == "dir.client.nhsNumber");
    }
}
