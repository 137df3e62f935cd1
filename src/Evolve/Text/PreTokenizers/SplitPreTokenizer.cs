using System.Text.RegularExpressions;

namespace Evolve.Text.PreTokenizers;

/// <summary>The "Split" pre-tokenizer: a literal string or a regex as delimiter, regrouped by a behaviour.</summary>
internal sealed class SplitPreTokenizer(Regex pattern, SplitDelimiterBehavior behavior, bool invert) : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByRegex(piece, pattern, behavior, invert, output);
}
