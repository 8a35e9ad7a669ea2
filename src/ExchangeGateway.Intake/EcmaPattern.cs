using System.Text;

namespace ExchangeGateway.Intake;

/// <summary>
/// A JSON Schema pattern (ECMA-262) as a .NET pattern with the same meaning. Compiled with
/// <see cref="System.Text.RegularExpressions.RegexOptions.ECMAScript"/> (\d, \w and \s stay ASCII); the one
/// difference that option leaves is the anchor: ECMA-262's <c>$</c> is the end of input, .NET's also matches before a
/// final newline, so "A1234BC\n" would pass <c>^[A-Z][0-9]{4}[A-Z]{2}$</c>.
/// </summary>
internal static class EcmaPattern
{
    /// <summary>The pattern with every <c>$</c> anchor (not escaped, not in a character class) written as <c>\z</c>.</summary>
    public static string ToDotNet(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                result.Append(c).Append(pattern[++i]);
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '$')
            {
                result.Append(@"\z");
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }
}
