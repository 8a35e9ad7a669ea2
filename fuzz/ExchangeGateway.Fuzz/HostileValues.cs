using System.Text;

namespace ExchangeGateway.Fuzz;

/// <summary>Bytes and JSON values that parsers commonly mishandle, inserted or substituted by the edits.</summary>
internal static class HostileValues
{
    /// <summary>Raw byte sequences: invalid UTF-8, control characters, JSON punctuation, huge numbers, deep nesting.</summary>
    public static IReadOnlyList<byte[]> Bytes { get; } =
    [
        [0xC3, 0x28], // a lead byte without its continuation
        [0xFF, 0xFE], // never valid in UTF-8 (and a UTF-16 byte order mark)
        [0xED, 0xA0, 0x80], // a lone surrogate encoded as UTF-8 (CESU-8)
        [0xC0, 0xAF], // an overlong "/"
        [0xF4, 0x90, 0x80, 0x80], // past U+10FFFF
        [0xEF, 0xBB, 0xBF], // a UTF-8 byte order mark mid-text
        [0x00],
        [0x01, 0x1F, 0x7F],
        [0x80],
        "\"\\ud800\""u8.ToArray(),
        "\\udc00"u8.ToArray(),
        "\\u0000"u8.ToArray(),
        "\r\n"u8.ToArray(),
        "\n"u8.ToArray(),
        "\n\n\n"u8.ToArray(),
        Encoding.UTF8.GetBytes("\u2028\u202E"),
        "1e999999"u8.ToArray(),
        "-1e-999999"u8.ToArray(),
        "99999999999999999999999999999999999999"u8.ToArray(),
        "-0"u8.ToArray(),
        "NaN"u8.ToArray(),
        "Infinity"u8.ToArray(),
        "null"u8.ToArray(),
        "\""u8.ToArray(),
        "\\"u8.ToArray(),
        "{"u8.ToArray(),
        "}"u8.ToArray(),
        "["u8.ToArray(),
        "]]]]"u8.ToArray(),
        ","u8.ToArray(),
        ":"u8.ToArray(),
        "\"seq\":1,\"seq\":2,"u8.ToArray(),
        "%s%n{0}"u8.ToArray(),
        Encoding.ASCII.GetBytes(new string('[', 5000)),
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 200))),
        Encoding.ASCII.GetBytes(new string('a', 70_000)),
    ];

    /// <summary>JSON texts that replace a value: every type, edge numbers, odd strings, dates that are not, deep nesting.</summary>
    public static IReadOnlyList<string> Values { get; } =
    [
        "null", "true", "false", "0", "-1", "1.5", "-0", "0.0", "1e308", "1e999", "-1e999", "1e-400",
        "2147483648", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999",
        "\"\"", "\" \"", "\"x\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\"", "\"a\\u0001b\\u001fc\"", "\"\\u202eevil\"",
        "\"9999-99-99\"", "\"2026-02-30\"", "\"0000-01-01\"", "\"2026-03-13T25:61:61Z\"", "\"2026-03-13T10:00:00+99:99\"",
        "\"-1\"", "\"1e999\"", "\"NaN\"", "\"urn:uuid:not-a-uuid\"", "\"#\"", "\"../../etc/passwd\"",
        "[]", "{}", "[null]", "[[]]", "{\"\":null}", "[1,\"a\",{}]",
        "\"" + new string('A', 70_000) + "\"",
        new string('[', 100) + new string(']', 100),
        new string('[', 5000) + new string(']', 5000),
        string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70),
    ];

    /// <summary>Field names that replace or add one.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["", " ", "seq ", "SEQ", "__proto__", "$ref", "resourceType", "id", "\u0000", "\ud800", "checkpoint", "hash", "entry", "dir", "extension"];
}
