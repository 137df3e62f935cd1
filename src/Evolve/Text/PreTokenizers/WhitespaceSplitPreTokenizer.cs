namespace Evolve.Text.PreTokenizers;

/// <summary>"WhitespaceSplit": cuts at every whitespace character and drops it.</summary>
internal sealed class WhitespaceSplitPreTokenizer : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByChar(piece, char.IsWhiteSpace, SplitDelimiterBehavior.Removed, output);
}
