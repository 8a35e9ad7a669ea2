using System.Globalization;
using System.Text;
using System.Xml;
using ExchangeGateway.Domain;

namespace ExchangeGateway.Fhir;

/// <summary>How a document's narrative writes dates, times, doses and identifiers for a person to read.</summary>
internal static class PlainEnglish
{
    private static readonly CultureInfo English = CultureInfo.InvariantCulture;

    /// <summary>"2026-03-13" as "13 March 2026"; a date-time as <see cref="DateTime"/>; anything else as given.</summary>
    public static string Date(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", English, DateTimeStyles.None, out var date))
        {
            return date.ToString("d MMMM yyyy", English);
        }

        return text.Length > 10 ? DateTime(text) : text;
    }

    /// <summary>
    /// A date-time with its offset as the sender wrote it, e.g. "08:05 UTC+01:00 on 13 March 2026": the offset is shown, never
    /// converted, so the reader sees the wall-clock time the sender meant. A date alone reads as <see cref="Date"/>.
    /// </summary>
    public static string DateTime(string text)
    {
        if (text.Length == 10)
        {
            return Date(text);
        }

        if (!DateTimeOffset.TryParse(text, English, DateTimeStyles.None, out var at))
        {
            return text;
        }

        var time = at.Second == 0 && at.Millisecond == 0 ? at.ToString("HH:mm", English) : at.ToString("HH:mm:ss", English);
        var offset = text.EndsWith('Z') ? "UTC" : "UTC" + at.ToString("zzz", English);
        return $"{time} {offset} on {at.ToString("d MMMM yyyy", English)}";
    }

    /// <summary>An amount with the sender's unit word: "60 mg", "75.5 microgram".</summary>
    public static string Dose(Dose dose) => $"{dose.Value.ToString(English)} {dose.Unit}";

    /// <summary>An NHS number in the 3-3-4 groups people read it in: "943 476 5919".</summary>
    public static string NhsNumber(string number) =>
        number.Length == 10 ? $"{number[..3]} {number[3..6]} {number[6..]}" : number;

    /// <summary>Yes or no.</summary>
    public static string YesNo(bool value) => value ? "yes" : "no";

    /// <summary>A display text used inside a sentence: its first letter lower-cased ("Once a day" → "once a day").</summary>
    public static string InSentence(string display) =>
        display.Length > 1 && char.IsUpper(display[0]) && !char.IsUpper(display[1]) ? char.ToLowerInvariant(display[0]) + display[1..] : display;

    /// <summary>
    /// The text with every character XML cannot hold replaced by U+FFFD: the intake already refuses such characters, so this
    /// only keeps a narrative well-formed whatever a caller passes.
    /// </summary>
    public static string XmlSafe(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                safe.Append(text, i, 2);
                i++;
            }
            else
            {
                safe.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
            }
        }

        return safe.ToString();
    }
}
