using System.Text;
using Evolve.Text.Normalizers;

namespace Evolve.Tests.Text;

/// <summary>Hand-checked cases from UAX #15; the reference fixtures cover the four forms on real text too.</summary>
public sealed class UnicodeNormalizationTests
{
    [Theory]
    [InlineData("caf\u00E9", NormalizationForm.FormD, "cafe\u0301")]
    [InlineData("cafe\u0301", NormalizationForm.FormC, "caf\u00E9")]
    [InlineData("\u212B", NormalizationForm.FormC, "\u00C5")] // Angstrom sign → A with ring: a singleton, never recomposed
    [InlineData("\uFB01", NormalizationForm.FormC, "\uFB01")] // ligature fi is only compatibility-equivalent
    [InlineData("\uFB01", NormalizationForm.FormKC, "fi")]
    [InlineData("\u1E0B\u0323", NormalizationForm.FormC, "\u1E0D\u0307")] // d + dot above + dot below: marks reorder by class
    [InlineData("\u1E0B\u0323", NormalizationForm.FormD, "d\u0323\u0307")]
    [InlineData("\uD55C", NormalizationForm.FormD, "\u1112\u1161\u11AB")] // Hangul syllable HAN, algorithmic
    [InlineData("\u1112\u1161\u11AB", NormalizationForm.FormC, "\uD55C")]
    [InlineData("\u00BD", NormalizationForm.FormKD, "1\u20442")]
    [InlineData("\u0301a", NormalizationForm.FormC, "\u0301a")] // a leading mark has no starter to join
    [InlineData("plain ascii", NormalizationForm.FormKC, "plain ascii")]
    public void Normalizes_as_the_standard_says(string input, NormalizationForm form, string expected) =>
        Assert.Equal(expected, UnicodeNormalization.Normalize(input, form));
}
