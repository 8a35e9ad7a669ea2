using System.Text;
using ExchangeGateway.Domain;
using ExchangeGateway.Intake;
using ExchangeGateway.TestData;

namespace ExchangeGateway.Intake.Tests;

public class ReplyIntakeTests
{
    private static IntakeResult Read(byte[] body) => SubmissionReader.Read(body);

    [Theory]
    [InlineData(Examples.ReceptionReply)]
    [InlineData(Examples.Engagement)]
    public void Each_reply_example_is_accepted(string example)
    {
        var result = Read(Encoding.UTF8.GetBytes(Examples.Text(example)));
        Assert.Empty(result.Errors);
        Assert.Null(result.Submission!.Dir);
        Assert.NotNull(result.Submission.Client);
    }

    [Fact]
    public void A_transfer_with_a_planned_move_is_accepted()
    {
        var result = Read(Examples.Variant(Examples.Transfer, j => j["event"]!["plannedMoveAt"] = "2026-02-04T10:00:00+00:00"));
        Assert.Empty(result.Errors);
        Assert.Equal("2026-02-04T10:00:00+00:00", result.Submission!.Event.PlannedMoveAt);
    }

    [Fact]
    public void A_missing_dir_says_which_event_type_needs_it()
    {
        var result = Read(Examples.Variant(Examples.Transfer, j => j.Remove("dir")));
        Assert.Contains(result.Errors, e => e.Path == "dir" && e.Reason == "is required when event.type is \"transfer\"");
    }

    [Fact]
    public void A_dir_on_a_reply_says_which_event_type_refuses_it()
    {
        var result = Read(Examples.Variant(Examples.Engagement, j => j["dir"] = Examples.Json(Examples.Transfer)["dir"]!.DeepClone()));
        Assert.Contains(result.Errors, e => e.Path == "dir" && e.Reason == "must not be given when event.type is \"engagement\"");
    }

    [Fact]
    public void A_reply_with_several_faults_is_refused_naming_each_at_once()
    {
        var result = Read(Examples.Variant(Examples.ReceptionReply, j =>
        {
            j["event"]!["to"] = "HLI";
            j["event"]!.AsObject().Remove("inReplyTo");
            j["community"]!.AsObject().Remove("lastDispensedOn");
        }));
        Assert.Equal(["community.lastDispensedOn", "event.inReplyTo", "event.to"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_submission_without_event_type_is_not_also_told_about_dir()
    {
        var result = Read(Examples.Variant(Examples.Transfer, j => j["event"]!.AsObject().Remove("type")));
        Assert.Equal(["event.type"], result.Errors.Select(e => e.Path));
    }

    [Fact]
    public void The_contract_json_of_a_reply_keeps_the_senders_fields_only()
    {
        var submission = Read(Encoding.UTF8.GetBytes(Examples.Text(Examples.Engagement))).Submission!;
        var json = SubmissionJson.Serialize(submission);
        Assert.DoesNotContain("\"dir\"", json, StringComparison.Ordinal);
        Assert.Equal(EngagementOutcomes.DidNotAttend, submission.Engagement!.Outcome);
    }
}
