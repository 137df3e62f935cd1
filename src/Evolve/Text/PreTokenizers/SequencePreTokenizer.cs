namespace Evolve.Text.PreTokenizers;

/// <summary>Applies each pre-tokenizer in turn to every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> stages) : IPreTokenizer
{
    public void PreTokenize(Piece piece, List<Piece> output)
    {
        var current = new List<Piece> { piece };
        var next = new List<Piece>();
        foreach (var stage in stages)
        {
            next.Clear();
            foreach (var p in current)
                stage.PreTokenize(p, next);
            (current, next) = (next, current);
        }
        output.AddRange(current);
    }
}
