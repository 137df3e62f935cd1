namespace Evolve.Text.Decoders;

internal sealed class SequenceDecoder(IReadOnlyList<IDecoder> stages) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        foreach (var stage in stages)
            stage.Decode(tokens);
    }
}
