using Microsoft.Data.Sqlite;

namespace ExchangeGateway.Audit;

// The person-index check that rides on the verifier's pass over the entries.
public sealed partial class AuditVerifier
{
    /// <summary>
    /// Checks the person index alongside the verifier's one pass over the entries. The index is built from the entries'
    /// own subjects, behind the trail: up to the seq it has reached, the people it lists for each entry must be exactly
    /// the entry's, or a query by person would miss (or wrongly list) that entry. Finds the first entry where they differ.
    /// </summary>
    private sealed class PersonIndexCheck : IDisposable
    {
        private readonly SqliteCommand runs;
        private readonly SqliteDataReader runReader;
        private readonly long upto;
        private readonly List<(string Key, long Last)> active = [];
        private bool pending;
        private AuditProblem? problem;

        public PersonIndexCheck(SqliteConnection connection, SqliteTransaction snapshot)
        {
            upto = AuditLog.IndexedUpTo(connection, snapshot);
            runs = connection.CreateCommand();
            runs.Transaction = snapshot;
            runs.CommandText = "SELECT subject_key, first_seq, last_seq FROM audit_subjects ORDER BY first_seq";
            runReader = runs.ExecuteReader();
            pending = runReader.Read();
        }

        /// <summary>The next entry row, in seq order.</summary>
        public void Observe(EntryRow row)
        {
            if (problem is not null || row.Seq is not { } seq)
            {
                return;
            }

            while (pending && runReader.GetInt64(1) <= seq)
            {
                if (runReader.GetInt64(2) > upto)
                {
                    problem = new AuditProblem(runReader.GetInt64(1), $"the person index lists entries after the seq it says it has reached ({upto})");
                    return;
                }

                active.Add((runReader.GetString(0), runReader.GetInt64(2)));
                pending = runReader.Read();
            }

            active.RemoveAll(run => run.Last < seq);
            if (seq > upto || row.Entry is not { } entry)
            {
                return;
            }

            var listed = active.Select(run => run.Key).Order(StringComparer.Ordinal).ToList();
            if (!listed.SequenceEqual(entry.Subjects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                problem = new AuditProblem(seq, "the person index (audit_subjects) does not list exactly this entry's people: a query by person would miss or misattribute it");
            }
        }

        /// <summary>The first disagreement, or null.</summary>
        public AuditProblem? Finish() =>
            problem ?? (pending && runReader.GetInt64(1) <= upto
                ? new AuditProblem(runReader.GetInt64(1), "the person index lists an entry that is not in the trail")
                : null);

        public void Dispose()
        {
            runReader.Dispose();
            runs.Dispose();
        }
    }
}
