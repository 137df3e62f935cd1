namespace Evolve.Text.PreTokenizers;

/// <summary>Cuts (and possibly rewrites) one piece of normalized text into the words the model sees.</summary>
internal interface IPreTokenizer
{
    void PreTokenize(Piece piece, List<Piece> output);
}
