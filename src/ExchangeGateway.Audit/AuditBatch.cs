using System.Collections.ObjectModel;

namespace ExchangeGateway.Audit;

/// <summary>
/// Audit drafts checked against the rules and put in canonical form (sorted details and their canonical JSON, sorted
/// distinct subjects) ahead of the transaction that appends them, which then only chains and inserts.
/// </summary>
public sealed class AuditBatch
{
    private AuditBatch(IReadOnlyList<Item> items) => Items = items;

    /// <summary>An empty batch: appending it writes nothing.</summary>
    public static AuditBatch Empty { get; } = new([]);

    /// <summary>The number of entries the batch appends.</summary>
    public int Count => Items.Count;

    internal IReadOnlyList<Item> Items { get; }

    /// <summary>Checks every draft (ArgumentException for the first that breaks the rules) and prepares them in order.</summary>
    public static AuditBatch Of(IReadOnlyList<AuditRecord> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        var items = new Item[drafts.Count];
        IReadOnlyList<string>? lastDraftSubjects = null;
        IReadOnlyList<string> subjects = [];
        var canonicalSubjects = "";
        for (var i = 0; i < drafts.Count; i++)
        {
            var draft = drafts[i];
            DraftRules.Check(draft);
            var (keys, values) = CanonicalJson.Sorted(draft.Details);

            // The entries of one event are usually about the same people, in the same list: sort and write it once.
            if (!ReferenceEquals(draft.Subjects, lastDraftSubjects))
            {
                lastDraftSubjects = draft.Subjects;
                subjects = Array.AsReadOnly(draft.Subjects.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
                canonicalSubjects = CanonicalJson.Value(subjects);
            }

            var canonicalDetails = CanonicalJson.Details(keys, values);
            // A copy, so that a caller changing its dictionary after this cannot change what is appended.
            var copy = new Dictionary<string, AuditValue>(keys.Length, StringComparer.Ordinal);
            for (var j = 0; j < keys.Length; j++)
            {
                copy.Add(keys[j], values[j]);
            }

            var details = new ReadOnlyDictionary<string, AuditValue>(copy);
            items[i] = new Item(draft.Type, draft.Actor, subjects, details, canonicalDetails, AuditChain.EntryForm.Of(draft.Actor, canonicalDetails, canonicalSubjects, draft.Type));
        }

        return new AuditBatch(items);
    }

    internal sealed record Item(string Type, string Actor, IReadOnlyList<string> Subjects, IReadOnlyDictionary<string, AuditValue> Details, string CanonicalDetails, AuditChain.EntryForm Form);
}

