using System.Text.RegularExpressions;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Audit;

/// <summary>What an entry may hold. Checked on append, so that nothing malformed or identifying gets into a trail that can never be edited.</summary>
internal static partial class DraftRules
{
    public const int MaxSubjects = 32;
    public const int MaxDetails = 64;
    public const int MaxDetailLength = 4096;

    /// <summary>Throws ArgumentException naming the first problem with a draft.</summary>
    public static void Check(AuditRecord draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (draft.Type is null || !AuditEventTypes.IsKnown(draft.Type))
        {
            throw new ArgumentException($"unknown audit entry type '{draft.Type}' (one of: {string.Join(", ", AuditEventTypes.All)})", nameof(draft));
        }

        if (draft.Actor is null || !ActorPattern().IsMatch(draft.Actor))
        {
            throw new ArgumentException($"actor '{draft.Actor}' is not an agency id, admin:USER or gateway", nameof(draft));
        }

        ArgumentNullException.ThrowIfNull(draft.Subjects);
        ArgumentNullException.ThrowIfNull(draft.Details);
        if (draft.Subjects.Count > MaxSubjects)
        {
            throw new ArgumentException($"more than {MaxSubjects} subjects", nameof(draft));
        }

        foreach (var subject in draft.Subjects)
        {
            if (subject is null || !IsSubjectKey(subject))
            {
                throw new ArgumentException($"subject '{subject}' is not a person key (nhs:HEX or prison:HEX from PersonKeys)", nameof(draft));
            }
        }

        if (draft.Details.Count > MaxDetails)
        {
            throw new ArgumentException($"more than {MaxDetails} details", nameof(draft));
        }

        foreach (var (key, value) in draft.Details)
        {
            if (key is null || !DetailKeyPattern().IsMatch(key))
            {
                throw new ArgumentException($"detail key '{key}' must be a letter then up to 63 letters, digits, '_', '-' or '.'", nameof(draft));
            }

            if (value.IsNumber)
            {
                if (value.Number is > AuditValue.MaxSafeInteger or < -AuditValue.MaxSafeInteger)
                {
                    throw new ArgumentException($"detail '{key}' is outside ±(2^53 − 1)", nameof(draft));
                }

                continue;
            }

            var text = value.Text!;
            if (text.Length > MaxDetailLength || !CanonicalJson.IsWellFormed(text))
            {
                throw new ArgumentException($"detail '{key}' is longer than {MaxDetailLength} characters or is not well-formed text", nameof(draft));
            }

            if (LooksLikeIdentifier(text) is { } kind)
            {
                throw new ArgumentException($"detail '{key}' looks like {kind} in clear: record people by PersonKeys, never by identifier", nameof(draft));
            }
        }
    }

    /// <summary>True for nhs:HEX or prison:HEX (64 lower-case hex digits).</summary>
    public static bool IsSubjectKey(string value) => SubjectPattern().IsMatch(value);

    /// <summary>
    /// "an NHS number" or "a prison number" when the text holds one as a separate token, else null. A guard against the
    /// obvious mistake, not a guarantee: names cannot be recognised, so callers must still put none in.
    /// </summary>
    public static string? LooksLikeIdentifier(string text)
    {
        foreach (Match match in NhsNumberPattern().Matches(text))
        {
            var digits = match.Value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (NhsNumber.IsValid(digits))
            {
                return "an NHS number";
            }
        }

        return PrisonNumberPattern().IsMatch(text) ? "a prison number" : null;
    }

    [GeneratedRegex(@"^(gateway|admin:[A-Za-z0-9._@-]{1,64}|[A-Za-z0-9][A-Za-z0-9-]{0,63})\z")]
    private static partial Regex ActorPattern();

    [GeneratedRegex(@"^(nhs|prison):[0-9a-f]{64}\z")]
    private static partial Regex SubjectPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.-]{0,63}\z")]
    private static partial Regex DetailKeyPattern();

    // Ten digits, optionally grouped 3-3-4, standing alone: inside a hash or a UUID they are not a token of their own.
    [GeneratedRegex("(?<![A-Za-z0-9])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}(?![A-Za-z0-9])")]
    private static partial Regex NhsNumberPattern();

    // HMPPS prison numbers: a letter, four digits, two letters (A1234BC).
    [GeneratedRegex("(?<![A-Za-z0-9])[A-Za-z][0-9]{4}[A-Za-z]{2}(?![A-Za-z0-9])")]
    private static partial Regex PrisonNumberPattern();
}
