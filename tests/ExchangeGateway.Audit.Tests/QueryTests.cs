namespace ExchangeGateway.Audit.Tests;

[Collection(PkiCollection.Name)]
public sealed class QueryTests(PkiFixture pki)
{
    [Fact]
    public void A_query_by_nhs_number_returns_only_that_persons_entries()
    {
        using var trail = new Trail(pki);

        var found = AuditLog.EntriesFor(trail.Connection, trail.PersonA);

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

        trail.Log.AppendAll(trail.Connection, null, drafts, trail.TimeOf(3));

        // 3..72 (split at 64 entries), then 73..77 for B alone, then 78..152 (split again).
        Assert.Equal(
            [(3L, 66L), (67L, 72L), (78L, 141L), (142L, 152L)],
            Runs(trail, trail.PersonA));
        Assert.Equal(Enumerable.Range(3, 150).Where(i => i is < 73 or > 77).Select(i => (long)i), AuditLog.EntriesFor(trail.Connection, trail.PersonA).Where(e => e.Seq >= 3).Select(e => e.Seq));
        Assert.Equal(150, AuditLog.EntriesFor(trail.Connection, trail.PersonB).Count(e => e.Seq >= 3));
        Assert.True(trail.Verify().IsValid);
    }

    [Fact]
    public void A_run_stretched_over_an_entry_it_did_not_cover_is_found_at_that_entry()
    {
        using var trail = new Trail(pki, entries: 2, shutdown: false);
        trail.Log.AppendAll(trail.Connection, null, [.. Enumerable.Range(0, 5).Select(_ => new AuditRecord(AuditEventTypes.PackageSealed, "gateway") { Subjects = [trail.PersonB] })], trail.TimeOf(3));
        trail.DropTriggers();

        trail.Sql($"UPDATE audit_subjects SET first_seq = 1 WHERE first_seq = 3 AND subject_key = '{trail.PersonB}'");

        Assert.Equal(1, trail.Verify().FirstBadSeq);
    }

    private static List<(long First, long Last)> Runs(Trail trail, string subject)
    {
        using var command = trail.Connection.CreateCommand();
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

        Assert.Empty(AuditLog.EntriesFor(trail.Connection, trail.Keys.ForNhsNumber(Trail.OtherNhsNumber)));
    }

    [Fact]
    public void A_query_compares_times_as_instants_whatever_their_offset()
    {
        using var trail = new Trail(pki);
        var from = trail.TimeOf(6).ToOffset(TimeSpan.FromHours(-5));
        var to = trail.TimeOf(12).ToUniversalTime();

        var found = AuditLog.EntriesFor(trail.Connection, trail.PersonB, from, to);

        Assert.Equal(Enumerable.Range(6, 7).Where(i => trail.SubjectsOf(i).Contains(trail.PersonB)).Select(i => (long)i), found.Select(e => e.Seq));
    }

    [Fact]
    public void The_query_by_person_uses_the_subject_index()
    {
        using var trail = new Trail(pki, entries: 3);
        using var command = trail.Connection.CreateCommand();
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
