using System.Globalization;
using System.Text;

namespace Evolve.Text.Normalizers;

/// <summary>"StripAccents": drops every combining mark, spacing or not (meant to follow NFD or NFKD).</summary>
internal sealed class StripAccentsNormalizer : INormalizer
{
    public string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
            if (CharUnicodeInfo.GetUnicodeCategory(text, i) is not (UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
                builder.Append(text[i]);
        return builder.ToString();
    }
}
