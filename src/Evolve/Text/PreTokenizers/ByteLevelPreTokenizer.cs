using System.Text.RegularExpressions;

namespace Evolve.Text.PreTokenizers;

/// <summary>
/// "ByteLevel": optionally prefixes a space, optionally cuts with GPT-2's word regex, then rewrites every piece as
/// its UTF-8 bytes in <see cref="ByteLevelAlphabet"/> characters.
/// </summary>
internal sealed partial class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2Words();

    public void PreTokenize(Piece piece, List<Piece> output)
    {
        if (addPrefixSpace && !piece.Text.StartsWith(' '))
            piece = piece with { Text = " " + piece.Text };
        if (!useRegex)
        {
            if (piece.Text.Length > 0)
                output.Add(piece with { Text = ByteLevelAlphabet.EncodeUtf8(piece.Text) });
            return;
        }
        var start = output.Count;
        Splitter.SplitByRegex(piece, Gpt2Words(), SplitDelimiterBehavior.Isolated, invert: false, output);
        for (var i = start; i < output.Count; i++)
            output[i] = output[i] with { Text = ByteLevelAlphabet.EncodeUtf8(output[i].Text) };
    }
}
