using System.Globalization;

namespace Evolve.Text.PreTokenizers;

/// <summary>"Digits": isolates numeric characters, each alone or as contiguous runs.</summary>
internal sealed class DigitsPreTokenizer(bool individualDigits) : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output) =>
        Splitter.SplitByChar(piece, IsNumeric,
            individualDigits ? SplitDelimiterBehavior.Isolated : SplitDelimiterBehavior.Contiguous, output);

    private static bool IsNumeric(string text, int index) =>
        CharUnicodeInfo.GetUnicodeCategory(text, index) is UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
