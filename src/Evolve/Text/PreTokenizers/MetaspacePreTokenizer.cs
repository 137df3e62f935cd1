namespace Evolve.Text.PreTokenizers;

/// <summary>
/// "Metaspace" (SentencePiece style): spaces become the replacement character (▁), a leading one is added per the
/// prepend scheme, and the text is cut before every replacement character.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output)
    {
        var text = piece.Text.Replace(' ', replacement);
        var prepend = scheme == PrependScheme.Always || scheme == PrependScheme.First && piece.AtStart;
        if (prepend && !text.StartsWith(replacement))
            text = replacement + text;
        var rewritten = piece with { Text = text };
        if (!split)
        {
            if (text.Length > 0)
                output.Add(rewritten);
            return;
        }
        Splitter.SplitByChar(rewritten, (s, i) => s[i] == replacement, SplitDelimiterBehavior.MergedWithNext, output);
    }
}
