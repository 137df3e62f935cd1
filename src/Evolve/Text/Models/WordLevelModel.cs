namespace Evolve.Text.Models;

/// <summary>"WordLevel": each word is one vocabulary entry, or the unknown token.</summary>
internal sealed class WordLevelModel(Vocabulary vocabulary, string unkToken, string file) : ITokenizerModel
{
    public int VocabularySize => vocabulary.Count;

    public int TokenCount => vocabulary.EntryCount;

    public void Tokenize(string word, List<int> ids)
    {
        if (vocabulary.TryGetId(word, out var id) || vocabulary.TryGetId(unkToken, out id))
            ids.Add(id);
        else
            throw new TokenizerFormatException(file, "model.unk_token",
                $"the word \"{word}\" is not in the vocabulary and neither is the unk_token \"{unkToken}\"",
                "Add the unk_token to model.vocab");
    }

    public string? IdToToken(int id) => vocabulary.Token(id);

    public int? TokenToId(string token) => vocabulary[token];
}
