namespace Evolve.Text.Decoders;

/// <summary>
/// "Metaspace": the replacement character becomes a space, except in the first token where the reference drops it
/// altogether unless the prepend scheme is "never".
/// </summary>
internal sealed class MetaspaceDecoder(char replacement, bool dropInFirstToken) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
            tokens[i] = i == 0 && dropInFirstToken
                ? tokens[i].Replace(replacement.ToString(), "", StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' ');
    }
}
