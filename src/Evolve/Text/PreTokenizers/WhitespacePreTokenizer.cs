using System.Text.RegularExpressions;

namespace Evolve.Text.PreTokenizers;

/// <summary>"Whitespace": keeps runs of word characters and runs of other non-space characters, drops spaces.</summary>
internal sealed class WhitespacePreTokenizer : IPreTokenizer
{
    private static readonly Regex WordsOrSymbols = TokenizerRegex.FromPattern(@"\w+|[^\w\s]+");

    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByRegex(piece, WordsOrSymbols, SplitDelimiterBehavior.Removed, invert: true, output);
}
