using System.Globalization;
using System.Text;

namespace Evolve.Text.Normalizers;

/// <summary>
/// "BertNormalizer": drops control characters and maps whitespace to spaces, pads CJK ideographs with spaces,
/// strips accents (NFD then drop nonspacing marks, unlike StripAccents which drops all marks) and lowercases. Accents follow lowercase when not set explicitly.
/// </summary>
internal sealed class BertNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase) : INormalizer
{
    public string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var codePoint = char.ConvertToUtf32(text, i);
            var width = codePoint > 0xFFFF ? 2 : 1;
            if (cleanText)
            {
                if (codePoint == 0 || codePoint == 0xFFFD || IsControl(text, i))
                    continue;
                if (IsWhitespace(text, i))
                {
                    builder.Append(' ');
                    continue;
                }
            }
            if (handleChineseChars && IsChinese(codePoint))
                builder.Append(' ').Append(text, i, width).Append(' ');
            else
                builder.Append(text, i, width);
        }
        var result = builder.ToString();
        if (stripAccents ?? lowercase)
            result = StripAccents(result);
        return lowercase ? result.ToLowerInvariant() : result;
    }

    private static string StripAccents(string text)
    {
        var decomposed = UnicodeNormalization.Normalize(text, NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                builder.Append(c);
        return builder.ToString();
    }

    private static bool IsWhitespace(string text, int i) => char.IsWhiteSpace(text, i);

    private static bool IsControl(string text, int i) =>
        text[i] is not ('\t' or '\n' or '\r') && CharUnicodeInfo.GetUnicodeCategory(text, i) is UnicodeCategory.Control
            or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;

    private static bool IsChinese(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
