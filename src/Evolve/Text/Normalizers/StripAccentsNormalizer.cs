using System.Globalization;
using System.Text;

namespace Evolve.Text.Normalizers;

/// <summary>"StripAccents": drops nonspacing marks (meant to follow NFD or NFKD).</summary>
internal sealed class StripAccentsNormalizer : INormalizer
{
    public string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
            if (CharUnicodeInfo.GetUnicodeCategory(text, i) != UnicodeCategory.NonSpacingMark)
                builder.Append(text[i]);
        return builder.ToString();
    }
}
