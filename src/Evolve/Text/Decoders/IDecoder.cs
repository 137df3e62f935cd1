namespace Evolve.Text.Decoders;

/// <summary>Rewrites the list of token strings on the way back to text; the results are finally concatenated.</summary>
internal interface IDecoder
{
    void Decode(List<string> tokens);
}
