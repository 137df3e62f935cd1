namespace Evolve.Text.Normalizers;

internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> stages) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var stage in stages)
            text = stage.Normalize(text);
        return text;
    }
}
