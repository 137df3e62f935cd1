namespace Evolve.Text.Models;

/// <summary>Turns one pre-tokenized word into ids, and maps ids back to token strings.</summary>
internal interface ITokenizerModel
{
    void Tokenize(string word, List<int> ids);

    string? IdToToken(int id);

    int? TokenToId(string token);

    /// <summary>One past the largest id the model knows.</summary>
    int VocabularySize { get; }

    /// <summary>How many tokens the vocabulary lists; added tokens new to it are numbered from here.</summary>
    int TokenCount { get; }
}
