using System.Text;

namespace Evolve.Text.Normalizers;

/// <summary>"NFC", "NFD", "NFKC", "NFKD".</summary>
internal sealed class UnicodeFormNormalizer(NormalizationForm form) : INormalizer
{
    public string Normalize(string text) => UnicodeNormalization.Normalize(text, form);
}
