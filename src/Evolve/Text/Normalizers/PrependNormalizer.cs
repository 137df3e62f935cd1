namespace Evolve.Text.Normalizers;

/// <summary>"Prepend": puts a fixed string in front of any non-empty text (Llama-2's leading ▁).</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}
