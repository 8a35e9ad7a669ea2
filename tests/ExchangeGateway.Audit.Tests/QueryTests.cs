namespace ExchangeGateway.Audit.Tests;

[Collection(PkiCollection.Name)]
public sealed class QueryTests(PkiFixture pki)
{
    [Fact]
    public void A_query_by_nhs_number_returns_only_that_persons_entries()
    {
        using var trail = new Trail(pki);

        var found = trail.EntriesFor(trail.PersonA);

        var expected = Enumerable.Range(1, 30).Where(i => trail.SubjectsOf(i).Contains(trail.PersonA)).Select(i => (long)i).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Select(e => e.Seq));
        Assert.All(found, e => Assert.Contains(trail.PersonA, e.Subjects));
    }

    [Fact]
    public void Entries_appended_together_about_the_same_people_are_indexed_as_runs_and_all_found()
    {
        using var trail = new Trail(pki, entries: 2, shutdown: false);
        var both = new[] { trail.PersonA, trail.PersonB };
        var drafts = Enumerable.Range(0, 150)
            .Select(i => new AuditRecord(AuditEventTypes.ConsentDecision, "gateway") { Subjects = i is >= 70 and < 75 ? [trail.PersonB] : both })
            .ToList();

        trail.Write(audit => trail.Log.AppendAll(audit, drafts, trail.TimeOf(3)));
        trail.Write(audit => AuditLog.IndexSubjects(audit));

        // 3..72 (split at 64 entries), then 73..77 for B alone, then 78..152 (split again).
        Assert.Equal(
            [(3L, 66L), (67L, 72L), (78L, 141L), (142L, 152L)],
            Runs(trail, trail.PersonA));
        Assert.Equal(Enumerable.Range(3, 150).Where(i => i is < 73 or > 77).Select(i => (long)i), trail.EntriesFor(trail.PersonA).Where(e => e.Seq >= 3).Select(e => e.Seq));
        Assert.Equal(150, trail.EntriesFor(trail.PersonB).Count(e => e.Seq >= 3));
        trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void A_run_stretched_over_an_entry_it_did_not_cover_is_found_at_that_entry()
    {
        using var trail = new Trail(pki, entries: 2, shutdown: false);
        trail.Write(audit => trail.Log.AppendAll(audit, [.. Enumerable.Range(0, 5).Select(_ => new AuditRecord(AuditEventTypes.PackageSealed, "gateway") { Subjects = [trail.PersonB] })], trail.TimeOf(3)));
        trail.Write(audit => AuditLog.IndexSubjects(audit));
        trail.DropTriggers();

        trail.Sql($"UPDATE audit_subjects SET first_seq = 1 WHERE first_seq = 3 AND subject_key = '{trail.PersonB}'");

        Assert.Equal(1, trail.Verify().FirstBadSeq);
    }

    [Fact]
    public void A_query_finds_the_entries_the_person_index_has_not_reached_yet()
    {
        using var trail = new Trail(pki, entries: 10, shutdown: false);
        trail.Write(audit => trail.Log.AppendAll(audit, [.. Enumerable.Range(0, 3).Select(_ => new AuditRecord(AuditEventTypes.Ack, "B86030") { Subjects = [trail.PersonA] })], trail.TimeOf(11)));

        Assert.Equal(10, trail.Read(AuditLog.IndexedUpTo));
        Assert.Equal([11L, 12L, 13L], trail.EntriesFor(trail.PersonA).Select(e => e.Seq).Where(seq => seq > 10));
        Assert.DoesNotContain(trail.EntriesFor(trail.PersonB), e => e.Seq > 10);

        Assert.Equal(3, trail.Write(audit => AuditLog.IndexSubjects(audit)));
        Assert.Equal(13, trail.Read(AuditLog.IndexedUpTo));
        Assert.Equal([(11L, 13L)], Runs(trail, trail.PersonA).Where(r => r.First > 10));
        trail.Write(audit => trail.Log.Checkpoint(audit, pki.Now));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void An_index_row_naming_someone_else_puts_no_entry_of_theirs_in_the_answer_and_the_verifier_finds_it()
    {
        using var trail = new Trail(pki);
        var onlyB = Enumerable.Range(1, 30).First(i => trail.SubjectsOf(i).SequenceEqual([trail.PersonB]));
        trail.DropTriggers();

        trail.Sql("INSERT INTO audit_subjects (subject_key, first_seq, last_seq) VALUES ($key, $seq, $seq)", ("$key", trail.PersonA), ("$seq", onlyB));

        Assert.DoesNotContain(trail.EntriesFor(trail.PersonA), e => e.Seq == onlyB);
        var result = trail.Verify();
        Assert.Equal(onlyB, result.FirstBadSeq);
        Assert.Contains("person index", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Taking_a_person_out_of_the_index_is_found_at_the_first_entry_it_hides()
    {
        using var trail = new Trail(pki);
        var aboutA = Enumerable.Range(1, 30).Where(i => trail.SubjectsOf(i).Contains(trail.PersonA)).ToList();
        trail.DropTriggers();

        trail.Sql("DELETE FROM audit_subjects WHERE subject_key = $key AND first_seq >= $seq", ("$key", trail.PersonA), ("$seq", aboutA[3]));

        var result = trail.Verify();
        Assert.Equal(aboutA[3], result.FirstBadSeq);
        Assert.Contains("person index", result.FirstProblem!.Reason, StringComparison.Ordinal);
    }

    private static List<(long First, long Last)> Runs(Trail trail, string subject)
    {
        using var command = trail.Raw.CreateCommand();
        command.CommandText = "SELECT first_seq, last_seq FROM audit_subjects WHERE subject_key = $key AND first_seq >= 3 ORDER BY first_seq";
        command.Parameters.AddWithValue("$key", subject);
        using var reader = command.ExecuteReader();
        var runs = new List<(long, long)>();
        while (reader.Read())
        {
            runs.Add((reader.GetInt64(0), reader.GetInt64(1)));
        }

        return runs;
    }

    [Fact]
    public void A_query_for_someone_not_in_the_trail_finds_nothing()
    {
        using var trail = new Trail(pki);

        Assert.Empty(trail.EntriesFor(trail.Keys.ForNhsNumber(Trail.OtherNhsNumber)));
    }

    [Fact]
    public void A_query_compares_times_as_instants_whatever_their_offset()
    {
        using var trail = new Trail(pki);
        var from = trail.TimeOf(6).ToOffset(TimeSpan.FromHours(-5));
        var to = trail.TimeOf(12).ToUniversalTime();

        var found = trail.EntriesFor(trail.PersonB, from, to);

        Assert.Equal(Enumerable.Range(6, 7).Where(i => trail.SubjectsOf(i).Contains(trail.PersonB)).Select(i => (long)i), found.Select(e => e.Seq));
    }

    [Fact]
    public void The_query_by_person_uses_the_subject_index()
    {
        using var trail = new Trail(pki, entries: 3);
        using var command = trail.Raw.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT first_seq, last_seq FROM audit_subjects WHERE subject_key = 'nhs:x'";
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("SEARCH audit_subjects", StringComparison.Ordinal));
    }
}
