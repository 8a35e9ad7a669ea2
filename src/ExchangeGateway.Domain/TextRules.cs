using System.Globalization;

namespace ExchangeGateway.Domain;

/// <summary>What a field's text may hold.</summary>
public enum TextKind
{
    /// <summary>Names, identifiers and codes: one line, nothing invisible that changes how it reads.</summary>
    Line,

    /// <summary>Free text such as notes and justifications: may hold tab, CR and LF.</summary>
    FreeText,
}

/// <summary>
/// The rules for text that people read and systems match on. A name with a control character, a right-to-left override
/// or nothing visible in it can display as another name or as nothing, so it is refused rather than passed on.
/// </summary>
public static class TextRules
{
    /// <summary>Why the text breaks the rules for its kind, or null when it is acceptable.</summary>
    public static string? Check(string text, TextKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        var visible = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]))
            {
                if (!char.IsSurrogatePair(text, i))
                {
                    return $"holds an unpaired surrogate at position {i + 1}, which is not text";
                }

                visible |= !IsInvisible(text, i);
                if (IsNoncharacter(char.ConvertToUtf32(text[i], text[i + 1])))
                {
                    return $"holds the Unicode noncharacter {CodePoint(char.ConvertToUtf32(text[i], text[i + 1]))} at position {i + 1}";
                }

                i++;
                continue;
            }

            var c = text[i];
            if (char.IsControl(c) && !(kind == TextKind.FreeText && c is '\t' or '\r' or '\n'))
            {
                return kind == TextKind.Line
                    ? $"holds the control character {CodePoint(c)} at position {i + 1}; names, identifiers and codes hold none"
                    : $"holds the control character {CodePoint(c)} at position {i + 1}; free text may hold only tab, CR and LF";
            }

            if (IsNoncharacter(c))
            {
                return $"holds the Unicode noncharacter {CodePoint(c)} at position {i + 1}";
            }

            if (kind == TextKind.Line && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"holds the line break {CodePoint(c)} at position {i + 1}; names, identifiers and codes are one line";
            }

            if (kind == TextKind.Line && IsBidiControl(c))
            {
                return $"holds the bidirectional control {CodePoint(c)} at position {i + 1}, which can make one name display as another";
            }

            visible |= !IsInvisible(text, i);
        }

        return visible || text.Length == 0 ? null : "is blank: only spaces or invisible format characters";
    }

    private static bool IsInvisible(string text, int index) =>
        char.IsWhiteSpace(text, index)
        || CharUnicodeInfo.GetUnicodeCategory(text, index) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format or UnicodeCategory.Control;

    // U+FDD0..U+FDEF and the last two code points of every plane are permanently reserved as noncharacters.
    private static bool IsNoncharacter(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;

    // Embeddings and overrides (U+202A..U+202E) and isolates (U+2066..U+2069) reorder what follows them.
    private static bool IsBidiControl(char c) => c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private static string CodePoint(int codePoint) => string.Create(CultureInfo.InvariantCulture, $"U+{codePoint:X4}");
}
