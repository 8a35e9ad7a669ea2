using ExchangeGateway.Storage;

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
        private readonly IEnumerator<(string SubjectKey, long FirstSeq, long LastSeq)> runs;
        private readonly long upto;
        private readonly List<(string Key, long Last)> active = [];
        private bool pending;
        private AuditProblem? problem;

        public PersonIndexCheck(IAuditStore audit)
        {
            upto = audit.IndexedUpTo();

            // Read alongside the entries, in first_seq order, so neither the runs nor the entries are held in memory.
            runs = audit.IndexRuns().GetEnumerator();
            pending = runs.MoveNext();
        }

        /// <summary>The next entry row, in seq order.</summary>
        public void Observe(EntryRow row)
        {
            if (problem is not null || row.Seq is not { } seq)
            {
                return;
            }

            while (pending && runs.Current.FirstSeq <= seq)
            {
                if (runs.Current.LastSeq > upto)
                {
                    problem = new AuditProblem(runs.Current.FirstSeq, $"the person index lists entries after the seq it says it has reached ({upto})");
                    return;
                }

                active.Add((runs.Current.SubjectKey, runs.Current.LastSeq));
                pending = runs.MoveNext();
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
            problem ?? (pending && runs.Current.FirstSeq <= upto
                ? new AuditProblem(runs.Current.FirstSeq, "the person index lists an entry that is not in the trail")
                : null);

        public void Dispose() => runs.Dispose();
    }
}
