using System.Collections.Concurrent;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Storage.Tests;

/// <summary>
/// Several gateway instances on one PostgreSQL database (two stores opened on it, several threads each): what must
/// happen once happens once. SQLite has one writer per file, so only PostgreSQL can race like this.
/// </summary>
public sealed class PostgreSqlConcurrencyTests : StoreConformanceTests<PostgreSqlTarget>
{
    private const int Threads = 8;

    [Fact]
    public void Instances_starting_together_on_a_new_database_apply_each_migration_once()
    {
        Concurrently.Run(Threads, _ => Open());

        Assert.Equal(Enumerable.Range(1, Target.LatestVersion).Select(v => v.ToString()), Target.Query("SELECT version FROM schema_version ORDER BY version"));
    }

    [Fact]
    public void The_same_submission_accepted_by_two_instances_at_once_is_stored_once_and_the_other_is_told_why()
    {
        const int ids = 200;
        var stores = new[] { Store, Open() };

        // Each id is offered once through each instance, on neighbouring threads so the two offers meet; odd ids carry another body the second time.
        var offers = Enumerable.Range(0, ids).SelectMany(i => new[] { (Id: i, Instance: 0, Hash: "h"), (Id: i, Instance: 1, Hash: i % 2 == 0 ? "h" : "h-other") }).ToArray();
        var outcomes = new ConcurrentBag<(int Id, string Hash, AcceptOutcome Outcome)>();
        Concurrently.Run(Threads, thread =>
        {
            for (var k = thread; k < offers.Length; k += Threads)
            {
                var (id, instance, hash) = offers[k];
                var submission = Submission($"c{id}", hash, messages: [Push($"c{id}-from-{instance}")]) with { PersonKeys = [$"nhs:{id}"] };
                outcomes.Add((id, hash, stores[instance].InTransaction(t => t.Submissions.Accept(submission)).Outcome));
            }
        });

        Assert.All(outcomes.GroupBy(o => o.Id), offered =>
        {
            var accepted = Assert.Single(offered, o => o.Outcome == AcceptOutcome.Accepted);
            var other = Assert.Single(offered, o => o.Outcome != AcceptOutcome.Accepted);
            Assert.Equal(other.Hash == accepted.Hash ? AcceptOutcome.Repeated : AcceptOutcome.Conflict, other.Outcome);
        });
        Assert.Equal(((long)ids, (long)ids), Read(t => t.Admin.Counts()));
    }

    [Fact]
    public void Two_instances_claiming_from_one_queue_claim_every_message_exactly_once_before_its_lease_ends()
    {
        const int messages = 200;
        string[] agencies = ["CJIT-LEEDS", "CJIT-NOTTS", "CTP-FWDLEEDS", "CJIT-YORK"];
        Store.InTransaction(t =>
        {
            for (var i = 0; i < messages; i++)
            {
                t.Submissions.Accept(Submission($"s{i}", messages: [Push($"m{i:D3}", agencies[i % agencies.Length])]));
            }
        });
        var stores = new[] { Store, Open() };

        var claims = new ConcurrentBag<(string MessageId, string Claimant)>();
        Concurrently.Run(Threads, thread =>
        {
            var claimant = $"instance-{thread % 2}-worker-{thread}";
            while (stores[thread % 2].InTransaction(t => t.PushQueue.Claim(5, [], [], claimant, Lease)) is { Count: > 0 } claimed)
            {
                foreach (var message in claimed)
                {
                    claims.Add((message.MessageId, claimant));
                }
            }
        });

        Assert.Equal(messages, claims.Count);
        Assert.Equal(messages, claims.Select(c => c.MessageId).Distinct().Count());
        Assert.True(claims.Select(c => c.Claimant).Distinct().Count() > 1, "one worker claimed everything: the claims did not run side by side");
        Assert.Empty(Open().InTransaction(t => t.PushQueue.Claim(messages, [], [], "late", Lease)));

        // Every claimant died: when the leases end, every message comes back once.
        Clock.Advance(Lease);
        Assert.Equal(messages, Open().InTransaction(t => t.PushQueue.Claim(messages, [], [], "survivor", Lease)).Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public void Audit_entries_appended_by_two_instances_at_once_form_one_gap_free_chain()
    {
        const int perThread = 25;
        var stores = new[] { Store, Open() };

        Concurrently.Run(Threads, thread =>
        {
            for (var i = 0; i < perThread; i++)
            {
                stores[thread % 2].InTransaction(t =>
                {
                    t.Audit.LockHead();
                    var (seq, hash) = t.Audit.Head() ?? (0, StandInAudit.Genesis);
                    t.Audit.Insert(StandInAudit.Entry(seq + 1, hash, actor: $"writer-{thread}"));
                });
            }
        });

        var chain = Read(t => t.Audit.Entries(1).Select(r => r.Row!).ToList());
        Assert.Equal(Enumerable.Range(1, Threads * perThread).Select(i => (long)i), chain.Select(e => e.Seq));
        Assert.Equal(StandInAudit.Genesis, chain[0].PrevHash);
        for (var i = 0; i < chain.Count; i++)
        {
            Assert.Equal(StandInAudit.Hash($"{chain[i].Seq}:{chain[i].PrevHash}:{chain[i].Actor}"), chain[i].Hash);
            Assert.Equal(i == 0 ? StandInAudit.Genesis : chain[i - 1].Hash, chain[i].PrevHash);
        }

        Assert.All(chain.GroupBy(e => e.Actor), writer => Assert.Equal(perThread, writer.Count()));
    }

    [Fact]
    public void Mailbox_expiry_run_by_two_instances_at_once_expires_each_message_once()
    {
        const int messages = 200;
        Accept(Submission("s1", messages: [.. Enumerable.Range(0, messages).Select(i => Mail($"m{i:D3}", i % 2 == 0 ? "B86030" : "B82005"))]));
        var stores = new[] { Store, Open() };
        Clock.Advance(TimeSpan.FromDays(6));

        var expired = new ConcurrentBag<string>();
        Concurrently.Run(Threads, thread =>
        {
            foreach (var id in stores[thread % 2].InTransaction(t => t.Mailbox.Expire(Clock.GetUtcNow().AddDays(-5))))
            {
                expired.Add(id);
            }
        });

        Assert.Equal(messages, expired.Count);
        Assert.Equal(messages, expired.Distinct().Count());
        Assert.Equal(messages, Totals().Expired);
    }

    [Fact]
    public void A_schedule_entry_completed_by_two_instances_at_once_is_completed_once()
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var release = new DateOnly(2026, 3, 20);
        Store.InTransaction(t =>
        {
            for (var i = 0; i < 20; i++)
            {
                string[] keys = [$"nhs:{i}"];
                t.Submissions.Accept(new AcceptedSubmission($"n{i}", "HLI", EventTypes.ReleaseNotice, "h", keys, [], [], "{}", new KnownAgencies(null, null), null));
                t.Schedule.Schedule(new ScheduledNotice($"n{i}", keys, release, ["CJIT-LEEDS"], "{}", ReleaseTimeline.From(release, Clock.GetUtcNow(), london)), Clock.GetUtcNow());
            }
        });
        var stores = new[] { Store, Open() };
        Clock.Advance(TimeSpan.FromDays(30));
        var due = Read(t => t.Schedule.Due(Clock.GetUtcNow(), max: 1000)).Select(d => d.Entry.EntryId).ToList();
        Assert.Equal(60, due.Count);

        // Half the threads walk the entries backwards, so completions meet in the middle as well as side by side.
        var completed = new ConcurrentBag<(string EntryId, int Thread)>();
        Concurrently.Run(Threads, thread =>
        {
            foreach (var id in thread % 4 < 2 ? due : Enumerable.Reverse(due))
            {
                if (stores[thread % 2].InTransaction(t => t.Schedule.Complete(id, ScheduleStatus.Done, $"thread {thread}", Clock.GetUtcNow())))
                {
                    completed.Add((id, thread));
                }
            }
        });

        Assert.Equal(due.Order(StringComparer.Ordinal), completed.Select(c => c.EntryId).Order(StringComparer.Ordinal));
        var winners = completed.ToDictionary(c => c.EntryId, c => $"thread {c.Thread}");
        Assert.All(Read(t => t.Schedule.List(overdueOnly: false)), e => Assert.Equal((ScheduleStatus.Done, winners[e.EntryId]), (e.Status, e.Detail)));
    }

    [Fact]
    public void Two_notices_for_one_person_scheduled_by_two_instances_at_once_leave_one_set_of_pending_entries()
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var release = new DateOnly(2026, 3, 20);
        var stores = new[] { Store, Open() };

        // As the gateway stores a notice: the submission (which upserts the person) and its schedule in one unit of work.
        for (var person = 0; person < 20; person++)
        {
            string[] keys = [$"nhs:{person}"];
            Concurrently.Run(2, instance => stores[instance].InTransaction(t =>
            {
                var id = $"n{keys[0]}-{instance}";
                t.Submissions.Accept(new AcceptedSubmission(id, "HLI", EventTypes.ReleaseNotice, "h", keys, [], [], "{}", new KnownAgencies(null, null), null));
                t.Schedule.Schedule(new ScheduledNotice(id, keys, release, ["CJIT-LEEDS"], "{}", ReleaseTimeline.From(release, Clock.GetUtcNow(), london)), Clock.GetUtcNow());
            }));
        }

        var pending = Read(t => t.Schedule.List(overdueOnly: false)).Where(e => e.Status == ScheduleStatus.Pending);
        Assert.All(pending.GroupBy(e => e.PersonKeys[0]), person => Assert.Single(person.Select(e => e.SubmissionId).Distinct()));
        Assert.Equal(20 * 3, pending.Count());
    }

    [Fact]
    public void Two_instances_recording_different_responses_to_one_message_at_once_store_one_and_the_other_is_told_false()
    {
        const int messages = 50;
        Accept(Submission("s1", messages: [.. Enumerable.Range(0, messages).Select(i => Push($"m{i:D2}"))]));
        var stores = new[] { Store, Open() };

        // Each message is answered once through each instance, side by side, and the two answers differ.
        var recorded = new ConcurrentBag<(StoredResponse Response, bool Stored)>();
        for (var i = 0; i < messages; i++)
        {
            var id = $"m{i:D2}";
            Concurrently.Run(2, instance =>
            {
                var response = new StoredResponse(id, "CJIT-LEEDS", instance == 0 ? "accepted" : "rejected", $"{{\"by\":\"instance-{instance}\"}}", Start.AddSeconds(instance), $"n-{instance}");
                recorded.Add((response, stores[instance].InTransaction(t => t.Responses.Record(response))));
            });
        }

        Assert.All(recorded.GroupBy(r => r.Response.MessageId), answers =>
        {
            var winner = Assert.Single(answers, a => a.Stored);
            Assert.Single(answers, a => !a.Stored);
            Assert.Equal(winner.Response, Read(t => t.Responses.Find(answers.Key)));
        });
        Assert.Equal([messages.ToString()], Target.Query("SELECT count(*) FROM responses"));
    }

    [Fact]
    public void An_escalation_escalated_and_closed_by_two_instances_at_once_is_settled_once()
    {
        const int entries = 40;
        var ids = Store.InTransaction(t =>
        {
            var raised = new List<string>();
            for (var i = 0; i < entries; i++)
            {
                t.Submissions.Accept(Submission($"s{i}") with { PersonKeys = [$"nhs:{i}"] });
                raised.Add(t.Escalations.Raise(
                    new NewEscalation(EscalationKinds.ReceptionReplyDue, Start, $"s{i}", null, ["PRISON-HLI"], [$"nhs:{i}"], "{}"), Clock.GetUtcNow()).EntryId);
            }

            return raised;
        });
        var stores = new[] { Store, Open() };

        // The deadline passes on one instance as the reply arrives on the other.
        var settled = new ConcurrentBag<(string EntryId, string Status)>();
        for (var i = 0; i < entries; i++)
        {
            var (id, submission) = (ids[i], $"s{i}");
            Concurrently.Run(2, instance =>
            {
                if (instance == 0 && stores[0].InTransaction(t => t.Escalations.Escalate(id, "alert sent", Clock.GetUtcNow())))
                {
                    settled.Add((id, EscalationStatus.Escalated));
                }
                else if (instance == 1)
                {
                    foreach (var closed in stores[1].InTransaction(t => t.Escalations.Close(EscalationKinds.ReceptionReplyDue, submission, null, EscalationStatus.Answered, "replied", Clock.GetUtcNow())))
                    {
                        settled.Add((closed, EscalationStatus.Answered));
                    }
                }
            });
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), settled.Select(s => s.EntryId).Order(StringComparer.Ordinal));
        var winners = settled.ToDictionary(s => s.EntryId, s => s.Status);
        Assert.All(Read(t => t.Escalations.List()), e => Assert.Equal(winners[e.EntryId], e.Status));
    }

    [Fact]
    public void A_setting_claimed_by_many_instances_at_once_keeps_one_value_for_all()
    {
        var stores = new[] { Store, Open() };
        var answers = new ConcurrentBag<string>();

        Concurrently.Run(Threads, thread => answers.Add(stores[thread % 2].InTransaction(t => t.ClaimSetting("audit.key", $"key-{thread}"))));

        Assert.Single(answers.Distinct());
        Assert.Equal(answers.First(), Store.InTransaction(t => t.ClaimSetting("audit.key", "late")));
    }
}
