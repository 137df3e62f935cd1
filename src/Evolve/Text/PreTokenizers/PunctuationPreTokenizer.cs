using System.Globalization;

namespace Evolve.Text.PreTokenizers;

/// <summary>"Punctuation": every punctuation character (ASCII or Unicode P*) becomes a delimiter.</summary>
internal sealed class PunctuationPreTokenizer(SplitDelimiterBehavior behavior) : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByChar(piece, IsPunctuation, behavior, output);

    private static bool IsPunctuation(string text, int index)
    {
        var c = text[index];
        // The reference counts ASCII symbols such as $ + < = > ^ ` | ~ as punctuation too.
        if (c < 128)
            return char.IsAsciiLetterOrDigit(c) is false && c > ' ' && c < 127;
        return CharUnicodeInfo.GetUnicodeCategory(text, index) is UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }
}
