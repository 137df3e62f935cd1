namespace Evolve.Text.Decoders;

/// <summary>
/// "WordPiece": tokens after the first get a space in front unless they carry the continuation prefix (which is
/// dropped); with cleanup, the spaces BERT-style tokenization puts before punctuation and contractions go.
/// </summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : IDecoder
{
    public void Decode(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i != 0)
                token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            if (cleanup)
                token = Cleanup(token);
            tokens[i] = token;
        }
    }

    private static string Cleanup(string text) => text
        .Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
        .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" do not", " don't").Replace(" 's", "'s")
        .Replace(" 've", "'ve").Replace(" 're", "'re");
}
