using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Evolve.Proxy.Tasks;

/// <summary>Steps applied to a generation and its reference before they are compared, in the order listed here.</summary>
[Flags]
public enum AnswerNormalization
{
    None = 0,

    /// <summary>Keep only the last number (sign, digits, decimal point; thousands separators dropped); empty when there is none.</summary>
    LastNumber = 1,

    /// <summary>Remove Unicode punctuation characters.</summary>
    StripPunctuation = 2,

    /// <summary>Lower-case with the invariant culture.</summary>
    Lowercase = 4,

    /// <summary>Remove leading and trailing white space.</summary>
    Trim = 8,
}

internal static partial class AnswerNormalizer
{
    public static readonly IReadOnlyDictionary<string, AnswerNormalization> ByName = new Dictionary<string, AnswerNormalization>(StringComparer.Ordinal)
    {
        ["trim"] = AnswerNormalization.Trim,
        ["lowercase"] = AnswerNormalization.Lowercase,
        ["last_number"] = AnswerNormalization.LastNumber,
        ["strip_punctuation"] = AnswerNormalization.StripPunctuation,
    };

    public static string Apply(string text, AnswerNormalization steps)
    {
        if (steps.HasFlag(AnswerNormalization.LastNumber))
            text = LastNumber(text);
        if (steps.HasFlag(AnswerNormalization.StripPunctuation))
            text = StripPunctuation(text);
        if (steps.HasFlag(AnswerNormalization.Lowercase))
            text = text.ToLowerInvariant();
        if (steps.HasFlag(AnswerNormalization.Trim))
            text = text.Trim();
        return text;
    }

    private static string LastNumber(string text)
    {
        var matches = NumberPattern().Matches(text);
        if (matches.Count == 0)
            return "";
        var number = matches[^1].Value.Replace(",", "", StringComparison.Ordinal);
        // "42." at the end of a sentence is the number 42, not a decimal.
        return number.EndsWith('.') ? number[..^1] : number;
    }

    private static string StripPunctuation(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            if (!char.IsPunctuation(c))
                builder.Append(c);
        return builder.ToString();
    }

    [GeneratedRegex(@"-?\d[\d,]*\.?\d*", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    public static string Describe(AnswerNormalization steps) =>
        steps == AnswerNormalization.None ? "none"
            : string.Join(", ", ByName.Where(p => steps.HasFlag(p.Value)).Select(p => p.Key.ToString(CultureInfo.InvariantCulture)));
}
