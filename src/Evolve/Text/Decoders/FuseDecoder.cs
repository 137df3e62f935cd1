namespace Evolve.Text.Decoders;

/// <summary>"Fuse": concatenates all tokens into one.</summary>
internal sealed class FuseDecoder : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var fused = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(fused);
    }
}
