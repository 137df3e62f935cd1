namespace Evolve.Text.Normalizers;

/// <summary>Rewrites text before pre-tokenization (Unicode forms, case, prefixes …).</summary>
internal interface INormalizer
{
    string Normalize(string text);
}
