using System.Text.RegularExpressions;

namespace Evolve.Text.PreTokenizers;

/// <summary>"Whitespace": keeps runs of word characters and runs of other non-space characters, drops spaces.</summary>
internal sealed partial class WhitespacePreTokenizer : IPreTokenizer
{
    [GeneratedRegex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordsOrSymbols();

    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByRegex(piece, WordsOrSymbols(), SplitDelimiterBehavior.Removed, invert: true, output);
}
