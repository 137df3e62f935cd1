using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Evolve.Text;

/// <summary>
/// Regexes from tokenizer.json, compiled once per process: the same GPT-2/Llama-3 pattern appears in many files and
/// compiling is far dearer than matching. Patterns are written for Oniguruma/Rust, whose \w also covers all marks,
/// letter numbers and the zero-width joiners; .NET's does not, so \w is spelled out before compiling.
/// </summary>
internal static class TokenizerRegex
{
    /// <summary>The characters of Unicode's word class (\w in Oniguruma and Rust's regex), as a .NET class body.</summary>
    public const string WordClassBody = @"\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\u200C\u200D\u24B6-\u24E9";

    private static readonly ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    /// <summary>Membership in <see cref="WordClassBody"/> for one code point.</summary>
    public static bool IsWordCharacter(int codePoint) =>
        codePoint is 0x200C or 0x200D or >= 0x24B6 and <= 0x24E9
        || CharUnicodeInfo.GetUnicodeCategory(codePoint) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation;

    public static Regex FromPattern(string pattern) =>
        Compiled.GetOrAdd(pattern, static p => new Regex(Translate(p), RegexOptions.Compiled | RegexOptions.CultureInvariant));

    public static Regex Literal(string text) => FromPattern(Regex.Escape(text));

    /// <summary>Rewrites \w (and \W outside classes) into the Unicode word class; everything else is kept.</summary>
    private static string Translate(string pattern)
    {
        if (!pattern.Contains(@"\w", StringComparison.Ordinal) && !pattern.Contains(@"\W", StringComparison.Ordinal))
            return pattern;
        var builder = new StringBuilder(pattern.Length + 64);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                builder.Append((next, inClass) switch
                {
                    ('w', true) => WordClassBody,
                    ('w', false) => $"[{WordClassBody}]",
                    ('W', false) => $"[^{WordClassBody}]",
                    _ => $"\\{next}",
                });
                continue;
            }
            if (c == '[')
                inClass = true;
            else if (c == ']')
                inClass = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
