namespace ExchangeGateway.Domain.Tests;

/// <summary>The rules about the person and the override that the schema cannot say, each refusal naming its field and saying why.</summary>
public sealed class SubmissionRulesPersonTests
{
    private const string OccurredAt = "2026-02-04T07:15:00+00:00";

    private static readonly Client Alex = new("Sample", "Alex", "1979-02-14", "female", NhsNumber: "4010232137");

    private static Submission Transfer(Client client, ConsentOverride? over = null, Prescribing? prescribing = null) => new(
        "0b7e4d2c-1f3a-4c5b-8d6e-9f0a1b2c3d4e",
        new SubmissionEvent(EventTypes.Transfer, OccurredAt, "BMI", "SFI"),
        new Dir("DIR-1", new Assessment("2026-01-20", "transfer", new Practitioner("Priya Shah")), client, null, [], null, null, null, null, null, null,
            new Consent("2026-01-20T10:00:00+00:00", ["prison"], Override: over)),
        prescribing);

    private static IReadOnlyList<ValidationError> Errors(Client client, DateOnly? today = null) => SubmissionRules.Check(Transfer(client), today);

    [Theory]
    [InlineData("A")]
    [InlineData("B")]
    [InlineData("C")]
    [InlineData("D")]
    [InlineData("E")]
    [InlineData("F")]
    [InlineData("G")]
    [InlineData("H")]
    [InlineData("J")]
    [InlineData("K")]
    [InlineData("L")]
    [InlineData("M")]
    [InlineData("N")]
    [InlineData("P")]
    [InlineData("R")]
    [InlineData("S")]
    [InlineData("Z")]
    public void Every_ONS_2011_ethnic_category_is_taken(string code) =>
        Assert.Empty(Errors(Alex with { Ethnicity = code }));

    [Theory]
    [InlineData("I")]
    [InlineData("a")]
    [InlineData("white")]
    public void Another_ethnicity_is_refused_naming_the_field(string code) =>
        Assert.Equal([new ValidationError("dir.client.ethnicity", "is not an ONS 2011 ethnic category code (A to S, or Z)")], Errors(Alex with { Ethnicity = code }));

    [Fact]
    public void A_wrong_check_digit_and_a_verification_status_without_a_number_each_say_why()
    {
        Assert.Equal([new ValidationError("dir.client.nhsNumber", "the NHS number's modulus-11 check digit is wrong")], Errors(Alex with { NhsNumber = "4010232138" }));
        Assert.Equal(
            [new ValidationError("dir.client.nhsNumberStatus", "says how the NHS number was verified, so it needs dir.client.nhsNumber")],
            Errors(Alex with { NhsNumber = null, PrisonNumber = "A1234BC", NhsNumberStatus = "01" }));
        Assert.Empty(Errors(Alex with { NhsNumberStatus = "01" }));
    }

    [Fact]
    public void A_reply_names_the_person_at_client_not_dir_client()
    {
        var reply = new Submission("0b7e4d2c-1f3a-4c5b-8d6e-9f0a1b2c3d4f", new SubmissionEvent(EventTypes.ReceptionReply, OccurredAt, "B86030", InReplyTo: "m-1"), null, Client: Alex with { NhsNumber = "4010232138" });

        Assert.Contains(new ValidationError("client.nhsNumber", "the NHS number's modulus-11 check digit is wrong"), SubmissionRules.Check(reply));
    }

    [Fact]
    public void A_date_of_birth_on_the_day_of_the_event_or_exactly_the_oldest_age_before_it_is_taken_and_a_day_beyond_either_is_refused()
    {
        Assert.Empty(Errors(Alex with { DateOfBirth = "2026-02-04" }));
        Assert.Empty(Errors(Alex with { DateOfBirth = "1906-02-04" }));
        Assert.Equal([new ValidationError("dir.client.dateOfBirth", "2026-02-05 is after the event (2026-02-04)")], Errors(Alex with { DateOfBirth = "2026-02-05" }));
        Assert.Equal(
            [new ValidationError("dir.client.dateOfBirth", "1906-02-03 is more than 120 years before the event (2026-02-04)")],
            Errors(Alex with { DateOfBirth = "1906-02-03" }));
        Assert.Equal([new ValidationError("dir.client.dateOfBirth", "2026-02-04 is in the future")], Errors(Alex with { DateOfBirth = "2026-02-04" }, today: new DateOnly(2026, 2, 3)));
    }

    [Fact]
    public void A_date_the_schema_already_refused_is_not_reported_again()
    {
        Assert.Empty(Errors(Alex with { DateOfBirth = "14/02/1979" }));
        Assert.DoesNotContain(SubmissionRules.Check(Transfer(Alex) with { Event = new SubmissionEvent(EventTypes.Transfer, "yesterday", "BMI", "SFI") }), e => e.Path == "dir.client.dateOfBirth");
    }

    [Theory]
    [InlineData("immediate overdose risk", true)]
    [InlineData("risk2 of overdose", true)]
    [InlineData("risk risk overdose", false)]
    [InlineData("12 34 56 overdose", false)]
    [InlineData("see notes", false)]
    public void An_override_needs_three_different_words_each_holding_a_letter(string justification, bool taken)
    {
        var over = new ConsentOverride("vital-interests", new Practitioner("Dr R Jones"), justification);

        var errors = SubmissionRules.Check(Transfer(Alex, over));

        Assert.Equal(
            taken ? [] : [new ValidationError("dir.consent.override.justification", "an override needs a real justification: at least three words saying why, not a placeholder")],
            errors);
    }

    [Fact]
    public void The_refusals_of_a_transfer_say_why()
    {
        var noDestination = SubmissionRules.Check(Transfer(Alex) with { Event = new SubmissionEvent(EventTypes.Transfer, OccurredAt, "BMI", null) });
        var noLastDose = SubmissionRules.Check(Transfer(Alex, prescribing: new Prescribing(OnOst: true)));

        Assert.Equal([new ValidationError("event.to", "a transfer must name the receiving prison")], noDestination);
        Assert.Equal([new ValidationError("prescribing.lastDose", "the person is on opioid substitution therapy, so a transfer must give the last dose (medication, dose and date-time)")], noLastDose);
    }

    [Fact]
    public void A_submission_must_be_given() =>
        Assert.Throws<ArgumentNullException>(() => SubmissionRules.Check(null!));
}
