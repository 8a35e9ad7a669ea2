using System.Collections.ObjectModel;
using System.Text.Json;
using ExchangeGateway.Storage;

namespace ExchangeGateway.Audit;

/// <summary>One stored entry as read: the entry, or why it is not a well-formed one.</summary>
internal sealed record EntryRow(long? Seq, AuditEntry? Entry, string? Problem);

/// <summary>One stored checkpoint as read: the checkpoint, or why it is not a well-formed one.</summary>
internal sealed record CheckpointRow(long? Number, AuditCheckpoint? Checkpoint, string? Problem, long? Seq = null);

/// <summary>Builds entries and checkpoints from stored text, strictly: anything that would not have been written is a problem, not a guess.</summary>
internal static class AuditRows
{
    /// <summary>An entry row as the store read it, checked: its columns as stored text, or the store's reason it could not read them.</summary>
    public static EntryRow FromStored(StoredRow<StoredAuditEntry> row)
    {
        if (row.Row is not { } stored)
        {
            return new EntryRow(row.Key, null, row.Problem ?? "the row could not be read");
        }

        if (!TryParseSubjects(stored.Subjects, out var subjects))
        {
            return new EntryRow(stored.Seq, null, "subjects is not a JSON array of strings");
        }

        return Entry(stored.Seq, stored.Time, stored.Type, stored.Actor, stored.Details, stored.PrevHash, stored.Hash, subjects);
    }

    /// <summary>A checkpoint row as the store read it, checked.</summary>
    public static CheckpointRow FromStored(StoredRow<StoredCheckpoint> row) => row.Row is { } stored
        ? Checkpoint(stored.Number, stored.Seq, stored.Hash, stored.Time, stored.Reason, stored.Signer, stored.Signature)
        : new CheckpointRow(row.Key, null, row.Problem ?? "the row could not be read");

    /// <summary>Reads a stored subjects column: a JSON array of strings (the canonical form the hash covers), else false.</summary>
    public static bool TryParseSubjects(string json, out IReadOnlyList<string> subjects)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryReadSubjects(document.RootElement, out subjects);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate parses but cannot be read as a string.
            subjects = [];
            return false;
        }
    }

    /// <summary>Subjects as a JSON array of strings, in the order given (the hash is over that order), else false.</summary>
    public static bool TryReadSubjects(JsonElement element, out IReadOnlyList<string> subjects)
    {
        subjects = [];
        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            return false;
        }

        subjects = Array.AsReadOnly(element.EnumerateArray().Select(e => e.GetString()!).ToArray());
        return true;
    }

    public static EntryRow Entry(long? seq, string time, string type, string actor, string detailsJson, string prevHash, string hash, IReadOnlyList<string> subjects)
    {
        if (seq is not { } number || number < 1)
        {
            return new EntryRow(seq, null, "seq is not a positive integer");
        }

        if (!AuditChain.TryParseTime(time, out var when))
        {
            return new EntryRow(seq, null, $"time '{time}' is not in the stored form yyyy-MM-ddTHH:mm:ss.fff±hh:mm");
        }

        if (!TryParseDetails(detailsJson, out var details, out var problem))
        {
            return new EntryRow(seq, null, problem);
        }

        var sorted = subjects.Order(StringComparer.Ordinal).ToArray();
        return new EntryRow(seq, new AuditEntry(number, when, type, actor, Array.AsReadOnly(sorted), details!, prevHash, hash), null);
    }

    public static CheckpointRow Checkpoint(long? number, long seq, string hash, string time, string reason, string signer, string signature)
    {
        if (number is not { } n || n < 1)
        {
            return new CheckpointRow(number, null, "checkpoint number is not a positive integer", seq);
        }

        if (!AuditChain.TryParseTime(time, out var when))
        {
            return new CheckpointRow(number, null, $"time '{time}' is not in the stored form", seq);
        }

        if (!AuditChain.TryParseReason(reason, out var why))
        {
            return new CheckpointRow(number, null, $"unknown reason '{reason}'", seq);
        }

        return new CheckpointRow(number, new AuditCheckpoint(n, seq, hash, when, why, signer, signature), null, seq);
    }

    /// <summary>Reads a details object: strings and safe integers only, no duplicate keys.</summary>
    public static bool TryParseDetails(string json, out IReadOnlyDictionary<string, AuditValue>? details, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryReadDetails(document.RootElement, out details, out problem);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: an escaped lone surrogate parses but cannot be read as a string.
            details = null;
            problem = $"details are not JSON text ({ex.Message})";
            return false;
        }
    }

    public static bool TryReadDetails(JsonElement element, out IReadOnlyDictionary<string, AuditValue>? details, out string? problem)
    {
        details = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            problem = "details are not a JSON object";
            return false;
        }

        var map = new SortedDictionary<string, AuditValue>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (map.ContainsKey(property.Name))
            {
                problem = $"details repeat the key '{property.Name}'";
                return false;
            }

            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    map[property.Name] = AuditValue.FromString(property.Value.GetString()!);
                    break;
                case JsonValueKind.Number when property.Value.TryGetInt64(out var n) && n is <= AuditValue.MaxSafeInteger and >= -AuditValue.MaxSafeInteger:
                    map[property.Name] = AuditValue.FromInt64(n);
                    break;
                default:
                    problem = $"detail '{property.Name}' is neither a string nor a safe integer";
                    return false;
            }
        }

        details = new ReadOnlyDictionary<string, AuditValue>(map);
        problem = null;
        return true;
    }
}
