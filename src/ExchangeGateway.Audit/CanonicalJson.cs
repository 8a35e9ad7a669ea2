using System.Globalization;
using System.Text;

namespace ExchangeGateway.Audit;

/// <summary>
/// Writes the canonical JSON the hashes and signatures are computed over: RFC 8785 (JCS) restricted to objects, arrays,
/// strings and safe integers. Keys sorted by UTF-16 code unit (ordinal), no whitespace, strings escaped only where
/// JSON requires (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>, other controls as <c>\u00xx</c>), everything else literal.
/// </summary>
internal static class CanonicalJson
{
    /// <summary>An object from its members; values are string, long, AuditValue, string lists and detail maps.</summary>
    public static string Object(IEnumerable<KeyValuePair<string, object>> members)
    {
        var text = new StringBuilder(256);
        WriteObject(text, members);
        return text.ToString();
    }

    /// <summary>The canonical form of a details map.</summary>
    public static string Details(IReadOnlyDictionary<string, AuditValue> details)
    {
        var text = new StringBuilder(512);
        WriteDetails(text, details);
        return text.ToString();
    }

    /// <summary>The canonical form of a details map given as keys in ordinal order with their values.</summary>
    public static string Details(string[] sortedKeys, AuditValue[] values)
    {
        var text = new StringBuilder(512);
        WriteDetails(text, sortedKeys, values);
        return text.ToString();
    }

    /// <summary>A details map as its keys in the canonical (ordinal) order and their values.</summary>
    public static (string[] Keys, AuditValue[] Values) Sorted(IReadOnlyDictionary<string, AuditValue> details)
    {
        var keys = new string[details.Count];
        var values = new AuditValue[keys.Length];
        var i = 0;
        foreach (var (key, value) in details)
        {
            keys[i] = key;
            values[i++] = value;
        }

        Array.Sort(keys, values, StringComparer.Ordinal);
        return (keys, values);
    }

    /// <summary>The canonical form of one value (a string, a number, a string list, ...), as it is written inside an object.</summary>
    public static string Value(object value)
    {
        var text = new StringBuilder(64);
        WriteValue(text, value);
        return text.ToString();
    }

    /// <summary>True when the text has no lone surrogate, so it has exactly one UTF-8 form.</summary>
    public static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteObject(StringBuilder text, IEnumerable<KeyValuePair<string, object>> members)
    {
        text.Append('{');
        var first = true;
        foreach (var member in members.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                text.Append(',');
            }

            first = false;
            WriteString(text, member.Key);
            text.Append(':');
            WriteValue(text, member.Value);
        }

        text.Append('}');
    }

    private static void WriteValue(StringBuilder text, object value)
    {
        switch (value)
        {
            case string s:
                WriteString(text, s);
                break;
            case long n:
                text.Append(n.ToString(CultureInfo.InvariantCulture));
                break;
            case AuditValue v:
                WriteAuditValue(text, v);
                break;
            case IReadOnlyDictionary<string, AuditValue> map:
                WriteDetails(text, map);
                break;
            case IEnumerable<string> list:
                text.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, item);
                }

                text.Append(']');
                break;
            default:
                throw new ArgumentException($"no canonical JSON form for {value.GetType().Name}", nameof(value));
        }
    }

    private static void WriteDetails(StringBuilder text, IReadOnlyDictionary<string, AuditValue> details)
    {
        var (keys, values) = Sorted(details);
        WriteDetails(text, keys, values);
    }

    private static void WriteDetails(StringBuilder text, string[] sortedKeys, AuditValue[] values)
    {
        text.Append('{');
        for (var i = 0; i < sortedKeys.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            WriteString(text, sortedKeys[i]);
            text.Append(':');
            WriteAuditValue(text, values[i]);
        }

        text.Append('}');
    }

    private static void WriteAuditValue(StringBuilder text, AuditValue value)
    {
        if (value.IsNumber)
        {
            text.Append(value.Number.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            WriteString(text, value.Text!);
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        if (!IsWellFormed(value))
        {
            throw new ArgumentException("a string with a lone surrogate has no UTF-8 form", nameof(value));
        }

        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }
}
