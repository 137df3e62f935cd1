namespace Evolve.Text.Normalizers;

/// <summary>
/// "Lowercase" with Rust's str::to_lowercase rules on top of the simple mapping: İ becomes i + combining dot, and a
/// capital sigma that ends a word becomes final ς.
/// </summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        if (!text.AsSpan().ContainsAny('\u0130', '\u03A3'))
            return lower;
        var builder = new System.Text.StringBuilder(lower.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\u0130')
                builder.Append("i\u0307");
            else if (text[i] == '\u03A3' && i > 0 && char.IsLetter(text[i - 1]) && (i + 1 == text.Length || !char.IsLetter(text[i + 1])))
                builder.Append('\u03C2');
            else
                builder.Append(lower[i]);
        }
        return builder.ToString();
    }
}
