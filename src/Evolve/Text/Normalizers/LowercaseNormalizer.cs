namespace Evolve.Text.Normalizers;

/// <summary>
/// "Lowercase" as the reference does it, character by character with Rust's char::to_lowercase: the simple mapping,
/// except that İ becomes i + combining dot (and, char by char, a word-final Σ stays σ).
/// </summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        return lower.Contains('\u0130') ? lower.Replace("\u0130", "i\u0307", StringComparison.Ordinal) : lower;
    }
}
