using System.Text.RegularExpressions;

namespace Evolve.Text.Normalizers;

/// <summary>"Replace": every match of a literal or regex pattern becomes the given content.</summary>
internal sealed class ReplaceNormalizer(Regex pattern, string content) : INormalizer
{
    public string Normalize(string text) => pattern.Replace(text, content.Replace("$", "$$"));
}
