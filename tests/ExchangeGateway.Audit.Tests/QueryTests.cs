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
        command.CommandText = "EXPLAIN QUERY PLAN SELECT seq FROM audit_subjects WHERE subject_key = 'nhs:x'";
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, step => step.Contains("SEARCH audit_subjects", StringComparison.Ordinal));
    }
}
