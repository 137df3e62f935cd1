namespace Evolve.Text.Decoders;

/// <summary>"BPEDecoder": the end-of-word suffix becomes a space, except at the very end.</summary>
internal sealed class BpeSuffixDecoder(string suffix) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
            tokens[i] = tokens[i].Replace(suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal);
    }
}
