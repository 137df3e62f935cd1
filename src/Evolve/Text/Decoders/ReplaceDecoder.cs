using System.Text.RegularExpressions;

namespace Evolve.Text.Decoders;

/// <summary>"Replace": every match of a literal or regex pattern in each token becomes the given content.</summary>
internal sealed class ReplaceDecoder(Regex pattern, string content) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        var replacement = content.Replace("$", "$$");
        for (var i = 0; i < tokens.Count; i++)
            tokens[i] = pattern.Replace(tokens[i], replacement);
    }
}
